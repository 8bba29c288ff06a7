import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainConnectionError } from '../../main/net/connection-errors';
import { endpointOf } from '../../main/net/aws-clients';
import { endpointsToCheck, isPrivateAddress } from '../../main/net/diagnostics';
import { DEFAULT_SETTINGS } from '../../main/settings/layers';
import { bypassesProxy, Network, proxyFromPac, readCaBundle } from '../../main/net/network';
import { companySettingsSchema } from '../../preload/contract';
import { makeCertificates } from '../sandbox/network';

const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-network-'));

describe('which hosts skip the proxy', () => {
  const url = (address: string) => new URL(address);

  it('this computer always; listed names with their subdomains; .suffix and *.suffix; host:port; *', () => {
    expect(bypassesProxy(url('http://127.0.0.1:9000'), '')).toBe(true);
    expect(bypassesProxy(url('http://[::1]:9000'), '')).toBe(true);
    expect(bypassesProxy(url('https://localhost'), '')).toBe(true);
    expect(bypassesProxy(url('https://bedrock.us-east-1.amazonaws.com'), '')).toBe(false);

    const list = 'intranet.example.com, .corp.example, *.vpce.amazonaws.com  internal:8443';
    expect(bypassesProxy(url('https://intranet.example.com'), list)).toBe(true);
    expect(bypassesProxy(url('https://wiki.intranet.example.com'), list)).toBe(true);
    expect(bypassesProxy(url('https://notintranet.example.com'), list)).toBe(false);
    expect(bypassesProxy(url('https://sso.corp.example'), list)).toBe(true);
    expect(bypassesProxy(url('https://corp.example'), list)).toBe(true);
    expect(bypassesProxy(url('https://vpce-1.bedrock.vpce.amazonaws.com'), list)).toBe(true);
    expect(bypassesProxy(url('https://internal:8443'), list)).toBe(true);
    expect(bypassesProxy(url('https://internal'), list)).toBe(false);
    expect(bypassesProxy(url('https://BEDROCK.AMAZONAWS.COM'), 'bedrock.amazonaws.com')).toBe(true);
    expect(bypassesProxy(url('https://anything.example'), '*')).toBe(true);
  });
});

describe("the computer's proxy, as a PAC result", () => {
  it('takes the first HTTP(S) proxy, or none for DIRECT', () => {
    expect(proxyFromPac('DIRECT')).toBeUndefined();
    expect(proxyFromPac('')).toBeUndefined();
    expect(proxyFromPac('PROXY proxy.corp:8080; DIRECT')?.href).toBe('http://proxy.corp:8080/');
    expect(proxyFromPac('HTTPS secure.corp:443')?.href).toBe('https://secure.corp/');
    expect(proxyFromPac('SOCKS5 socks.corp:1080; PROXY proxy.corp:3128')?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFromPac('DIRECT; PROXY proxy.corp:8080')).toBeUndefined();
  });

  it('says in words that a SOCKS-only answer is not usable', () => {
    expect(() => proxyFromPac('SOCKS5 socks.corp:1080')).toThrow(
      expect.objectContaining({ code: 'network-config', message: expect.stringContaining('SOCKS') }),
    );
  });
});

describe('company certificates', () => {
  it('reads every certificate of a PEM bundle, skipping other blocks', () => {
    const { caPem, certPem, keyPem } = makeCertificates();
    const file = path.join(dir, 'bundle.pem');
    writeFileSync(file, `# company roots\n${caPem}\n${keyPem}\n${certPem}`);
    expect(readCaBundle(file)).toHaveLength(2);
  });

  it('names a missing file, and a file without certificates', () => {
    expect(() => readCaBundle(path.join(dir, 'nope.pem'))).toThrow(
      expect.objectContaining({ code: 'network-config', action: expect.stringContaining('there is no file there') }),
    );
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(() => readCaBundle(junk)).toThrow(expect.objectContaining({ code: 'network-config' }));
  });

  it('a new or changed file is picked up without a restart (a new revision), an unchanged one is not re-read', () => {
    const file = path.join(dir, 'changing.pem');
    writeFileSync(file, makeCertificates().caPem);
    const network = new Network({ settings: () => ({ proxy: 'system', noProxy: '', caBundle: file }) });
    const first = network.revision;
    expect(network.revision).toBe(first);
    const context = network.secureContext();
    writeFileSync(file, `${makeCertificates().caPem}${makeCertificates().caPem}`);
    expect(network.revision).toBeGreaterThan(first);
    expect(network.secureContext()).not.toBe(context);
  });
});

describe('network settings', () => {
  const parse = (key: 'proxy' | 'noProxy' | 'caBundle', value: string) => companySettingsSchema.shape[key].safeParse(value).success;

  it('proxy: system, none, or an http(s) address without a path or a password in it', () => {
    for (const ok of ['system', 'none', 'http://proxy.corp:8080', 'https://proxy.corp', 'http://10.0.0.1:3128/']) {
      expect(parse('proxy', ok), ok).toBe(true);
    }
    for (const bad of ['', 'proxy.corp:8080', 'socks5://proxy:1080', 'http://user:secret@proxy:8080', 'http://proxy/pac.js', 'ftp://x']) {
      expect(parse('proxy', bad), bad).toBe(false);
    }
  });

  it('no-proxy: host names, suffixes and ports; certificate file: an absolute path', () => {
    expect(parse('noProxy', '.corp.example, internal:8443, *')).toBe(true);
    expect(parse('noProxy', 'bad/host')).toBe(false);
    expect(parse('caBundle', '')).toBe(true);
    expect(parse('caBundle', '/etc/ssl/company.pem')).toBe(true);
    expect(parse('caBundle', 'C:\\Certs\\company.pem')).toBe(true);
    expect(parse('caBundle', 'company.pem')).toBe(false);
  });
});

describe('connection failures in words', () => {
  const target = new URL('https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse-stream');
  const viaProxy = { proxy: new URL('http://proxy.corp:8080'), chosenBy: 'settings' as const };

  it('an untrusted, expired or misnamed certificate', () => {
    const wrap = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(explainConnectionError(wrap('SELF_SIGNED_CERT_IN_CHAIN'), target, undefined)).toMatchObject({
      code: 'connection-not-trusted',
      message: expect.stringContaining('bedrock-runtime.us-east-1.amazonaws.com'),
    });
    expect(explainConnectionError(wrap('CERT_HAS_EXPIRED'), target, undefined)?.message).toMatch(/expired/);
    expect(explainConnectionError(wrap('ERR_TLS_CERT_ALTNAME_INVALID'), target, viaProxy)).toMatchObject({
      message: expect.stringContaining('a different address'),
      details: expect.stringContaining('proxy.corp:8080'),
    });
  });

  it("the proxy's refusals, from the SDK's tunnel and from fetch's", () => {
    const tunnel = (status: number) => Object.assign(new Error('x'), { code: 'ERR_PROXY_CONNECT', proxyStatus: status });
    expect(explainConnectionError(tunnel(407), target, viaProxy)).toMatchObject({
      message: 'The proxy proxy.corp:8080 asks for a user name and password.',
      action: 'Enter them under Settings → Network → Proxy sign-in.',
    });
    expect(explainConnectionError(tunnel(502), target, viaProxy)?.message).toBe(
      "The proxy proxy.corp:8080 couldn't connect to bedrock-runtime.us-east-1.amazonaws.com (it answered 502).",
    );
    const undici = new TypeError('fetch failed', { cause: new Error('Proxy response (403) !== 200 when HTTP Tunneling') });
    expect(explainConnectionError(undici, target, { ...viaProxy, chosenBy: 'system' })).toMatchObject({
      code: 'proxy-failed',
      message: "The proxy proxy.corp:8080 doesn't allow connections to bedrock-runtime.us-east-1.amazonaws.com.",
    });
  });

  it("leaves AWS's own answers, and failures without a proxy, to the usual words", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(explainConnectionError(refused, target, undefined)).toBeUndefined();
    expect(explainConnectionError(refused, target, viaProxy)?.code).toBe('proxy-failed');
    expect(explainConnectionError(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }), target, viaProxy)).toBeUndefined();
  });
});

describe('Check connection: what is checked, and what counts as private', () => {
  it("every address in use: the provider if set, each service's endpoint or AWS's public one for the Region", () => {
    expect(endpointsToCheck({ ...DEFAULT_SETTINGS, region: 'eu-central-1', stsEndpoint: 'https://vpce-1.sts.eu-central-1.vpce.amazonaws.com' })).toEqual([
      { name: 'Cognito Identity', url: 'https://cognito-identity.eu-central-1.amazonaws.com' },
      { name: 'STS', url: 'https://vpce-1.sts.eu-central-1.vpce.amazonaws.com' },
      { name: 'Bedrock (model list)', url: 'https://bedrock.eu-central-1.amazonaws.com' },
      { name: 'Bedrock Runtime (chat)', url: 'https://bedrock-runtime.eu-central-1.amazonaws.com' },
    ]);
    // A private Bedrock Agent Runtime endpoint set by IT is checked too.
    expect(
      endpointsToCheck({ ...DEFAULT_SETTINGS, bedrockAgentRuntimeEndpoint: 'https://vpce-2.bedrock-agent-runtime.us-east-1.vpce.amazonaws.com' }),
    ).toContainEqual({ name: 'Bedrock Agent Runtime (agents)', url: 'https://vpce-2.bedrock-agent-runtime.us-east-1.vpce.amazonaws.com' });
    expect(endpointsToCheck({ ...DEFAULT_SETTINGS, bedrockAgentEndpoint: 'https://vpce-3.bedrock-agent.us-east-1.vpce.amazonaws.com' })).toContainEqual({
      name: 'Bedrock Agent (agent list)',
      url: 'https://vpce-3.bedrock-agent.us-east-1.vpce.amazonaws.com',
    });
    expect(endpointOf('bedrockAgent', { ...DEFAULT_SETTINGS, region: 'eu-west-1' })).toBe('https://bedrock-agent.eu-west-1.amazonaws.com');
    expect(endpointOf('bedrockAgentRuntime', { ...DEFAULT_SETTINGS, region: 'eu-west-1' })).toBe('https://bedrock-agent-runtime.eu-west-1.amazonaws.com');
    expect(endpointsToCheck({ ...DEFAULT_SETTINGS, issuer: 'https://login.example.com' })[0]).toEqual({
      name: 'Company sign-in',
      url: 'https://login.example.com',
    });
  });

  it('private: RFC 1918, carrier-grade NAT, link-local, loopback, IPv6 unique-local and link-local; the rest public', () => {
    for (const address of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.10', '100.64.0.1', '169.254.169.254', '127.0.0.1', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:10.0.0.5']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['52.94.0.1', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2600:1f18::1', '::ffff:52.94.0.1', 'not-an-ip']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });
});
