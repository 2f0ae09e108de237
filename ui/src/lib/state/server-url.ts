/**
 * Checks on a server address typed by the person, before the app is asked
 * to use it (the app checks again: `AppState.insecureTransport`).
 */

/**
 * Whether `url` is plain `http://` (or `ws://`) to a host that is not this
 * computer: passwords and messages would cross the network unencrypted.
 * Loopback (`localhost`, `127.0.0.0/8`, `::1`) and anything that is not
 * such a URL are not warned about. Mirrors `confab_sdk::tls::is_plain_remote_url`.
 */
export function isPlainRemoteUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  return !isLoopbackHost(host);
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '[::1]') return true;
  // The URL parser normalizes IPv4 forms (`127.1` → `127.0.0.1`).
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
