import { describe, expect, it } from 'vitest';
import { parseReactionKey, reactionKey, withExtensions, withoutKeys } from '$lib/state/reactions';

describe('reactions on message extensions', () => {
  it('a key names the emoji and the user; other extensions are not reactions', () => {
    expect(reactionKey('👍', 'alice')).toBe('r:👍:alice');
    expect(parseReactionKey('r:👍:alice')).toEqual({ emoji: '👍', userID: 'alice' });
    expect(parseReactionKey('r:❤️:bob@x.org')).toEqual({ emoji: '❤️', userID: 'bob@x.org' });
    expect(parseReactionKey('poll')).toBeNull();
    expect(parseReactionKey('r::alice')).toBeNull();
    expect(parseReactionKey('r:👍:')).toBeNull();
  });

  it('groups keys by emoji, each user once, and drops an emoji nobody has left', () => {
    let r = withExtensions(undefined, [{ key: 'r:👍:alice' }, { key: 'r:👍:bob' }, { key: 'r:🎉:bob' }, { key: 'poll' }]);
    r = withExtensions(r, [{ key: 'r:👍:alice' }]);
    expect([...r]).toEqual([
      ['👍', ['alice', 'bob']],
      ['🎉', ['bob']],
    ]);
    r = withoutKeys(r, ['r:🎉:bob', 'r:👍:alice']);
    expect([...r]).toEqual([['👍', ['bob']]]);
  });
});
