import { describe, expect, it } from 'vitest';
import { forwardCloudData, forwardedFrom } from '$lib/state/forwarded';

describe('forwarded from', () => {
  it('records the sender and reads it back', () => {
    const data = forwardCloudData({ from: 'bob', cloudCustomData: '' }, 'Bobby');
    expect(forwardedFrom({ cloudCustomData: data })).toEqual({ userID: 'bob', nick: 'Bobby' });
  });

  it('a forward of a forward keeps the first author', () => {
    const first = forwardCloudData({ from: 'bob', cloudCustomData: '' }, 'Bobby');
    const second = forwardCloudData({ from: 'alice', cloudCustomData: first }, 'Alice');
    expect(forwardedFrom({ cloudCustomData: second })).toEqual({ userID: 'bob', nick: 'Bobby' });
  });

  it('ignores missing, malformed and hostile data', () => {
    for (const raw of ['', 'forwardedFrom', '{"forwardedFrom":1}', '{"forwardedFrom":{"userID":3}}', '[', 'null', `{"forwardedFrom":{"nick":"${'x'.repeat(5000)}"}}`]) {
      expect(forwardedFrom({ cloudCustomData: raw })).toBeNull();
    }
    const long = forwardedFrom({ cloudCustomData: JSON.stringify({ forwardedFrom: { userID: 'u', nick: 'n'.repeat(500) } }) });
    expect(long?.nick.length).toBe(100);
    expect(forwardedFrom({ cloudCustomData: '{"forwardedFrom":{"userID":"<b>x</b>"}}' })).toEqual({ userID: '<b>x</b>', nick: '' });
  });
});
