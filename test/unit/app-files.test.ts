import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_URL, appResponseHeaders, CONTENT_SECURITY_POLICY, resolveAppFile } from '../../main/app/app-files';
import { isTrustedSender } from '../../main/ipc/dispatch';

const root = path.resolve('/opt/Strata/resources/app.asar/out/renderer');

describe("Strata's pages on strata://app/", () => {
  it('serves files inside the renderer folder', () => {
    expect(resolveAppFile(root, APP_URL)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'strata://app/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'strata://app/assets/index-abc.js?v=1#x')).toBe(path.join(root, 'assets/index-abc.js'));
  });

  it('never resolves outside the renderer folder', () => {
    for (const url of [
      'strata://app/../../secrets.json',
      'strata://app/%2e%2e/%2e%2e/secrets.json',
      'strata://app/assets%2f..%2f..%2f..%2fsecrets.json',
      'strata://app/assets/..%5c..%5c..%5csecrets.json',
    ]) {
      const file = resolveAppFile(root, url);
      if (file !== undefined) expect(file.startsWith(root + path.sep), `${url} -> ${file}`).toBe(true);
    }
    expect(resolveAppFile(root, 'strata://app/assets%2f..%2f..%2f..%2fsecrets.json')).toBeUndefined();
  });

  it('refuses other hosts, other schemes and oddities', () => {
    for (const url of [
      'strata://other/index.html',
      'file:///etc/passwd',
      'strata://app/%E0%A4%A',
      'strata://app/index.html%00.js',
      'strata://app/assets',
      'not a url',
    ]) {
      expect(resolveAppFile(root, url), url).toBeUndefined();
    }
  });

  it('sends the policy as a header, where frame-ancestors takes effect', () => {
    const headers = appResponseHeaders(path.join(root, 'assets/app.js'));
    expect(headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(appResponseHeaders('/x/unknown.bin')['Content-Type']).toBe('application/octet-stream');
  });

  it("keeps the page's <meta> policy and the header policy the same", () => {
    const html = readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const withoutHeaderOnly = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors'));
    expect(meta?.split('; ')).toEqual(withoutHeaderOnly);
  });

  it('trusts IPC only from the app host on the app scheme', () => {
    const from = (url: string) => isTrustedSender({ url, isMainFrame: true }, APP_URL);
    expect(from('strata://app/index.html#/settings')).toBe(true);
    expect(from('strata://evil/index.html')).toBe(false);
    expect(from('other://app/index.html')).toBe(false);
    expect(from('https://app/index.html')).toBe(false);
    expect(isTrustedSender({ url: APP_URL, isMainFrame: false }, APP_URL)).toBe(false);
  });
});
