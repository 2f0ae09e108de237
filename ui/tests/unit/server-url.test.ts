import { describe, expect, it } from 'vitest';
import { isPlainRemoteUrl } from '../../src/lib/state/server-url';

describe('isPlainRemoteUrl (the plain-http warning)', () => {
  it('warns about plain http:// to another machine', () => {
    for (const url of [
      'http://chat.example.org',
      'ws://chat.example.org/ws',
      'HTTP://Chat.Example.org:80/',
      'http://192.168.1.20:7788',
      'http://10.0.0.1',
      'http://[2001:db8::1]:7788',
      'http://0.0.0.0:7788',
      'http://localhost.example.org',
      'http://127.0.0.1.example.org',
      'http://user@chat.example.org',
      'http://localhost@chat.example.org',
    ]) {
      expect(isPlainRemoteUrl(url), url).toBe(true);
    }
  });
  it('does not warn about loopback, TLS or non-URLs', () => {
    for (const url of [
      'http://127.0.0.1:7788',
      'http://127.8.9.10',
      'ws://127.0.0.1:7788/ws',
      'http://localhost:7788/',
      'http://LOCALHOST.',
      'http://[::1]:7788',
      'ws://[::1]/ws',
      'https://chat.example.org',
      'wss://chat.example.org/ws',
      'https://192.168.1.20',
      '',
      'not a url',
      'http://',
    ]) {
      expect(isPlainRemoteUrl(url), url).toBe(false);
    }
  });
});

describe('TLS errors in human words', () => {
  it('each TLS code has its own message in both languages', async () => {
    const { errorKey } = await import('../../src/lib/i18n/errors');
    const { en, zhCN } = await import('../../src/lib/i18n/messages');
    const keys = [90100, 90101, 90102, 90103, 90104].map((code) => errorKey({ code, message: '' }));
    expect(keys).toEqual([
      'error.tlsUntrusted',
      'error.tlsWrongHost',
      'error.tlsExpired',
      'error.tlsHandshake',
      'error.tlsCaFile',
    ]);
    for (const key of [...keys, 'mode.insecure', 'mode.caFile', 'login.insecure'] as const) {
      expect(en[key]).toBeTruthy();
      expect(zhCN[key]).toBeTruthy();
    }
  });
});
