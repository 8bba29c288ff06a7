import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore, type OpenStore } from '../../main/settings/settings-store';

const openStore: OpenStore = (options) =>
  new Conf({
    configName: options.name,
    cwd: options.cwd,
    schema: options.schema,
    clearInvalidConfig: options.clearInvalidConfig,
  });

const now = () => new Date('2025-03-04T05:06:07.089Z');
const keptName = 'settings.corrupt-2025-03-04T05-06-07-089Z.json';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-settings-'));
  file = path.join(dir, 'settings.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open = () => new SettingsStore({ openStore, directory: dir, now });

describe('SettingsStore', () => {
  it('starts empty and keeps what the person saved across restarts', () => {
    const first = open();
    expect(first.user()).toEqual({});
    expect(first.path).toBe(file);
    first.update({ region: 'eu-west-1', redirectPort: 40000, issuer: 'https://login.example.com' });

    const second = open();
    expect(second.user()).toEqual({ region: 'eu-west-1', redirectPort: 40000, issuer: 'https://login.example.com' });
    expect(second.notices).toEqual([]);
  });

  it('writes only the keys given, and clears a key given as empty', () => {
    const store = open();
    store.update({ region: 'eu-west-1', issuer: 'https://login.example.com' });
    store.update({ issuer: '', clientId: 'abc' });
    expect(open().user()).toEqual({ region: 'eu-west-1', clientId: 'abc' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ region: 'eu-west-1', clientId: 'abc' });
  });

  it('refuses to write a value the settings schema rejects', () => {
    const store = open();
    expect(() => store.update({ redirectPort: 'abc' as unknown as number })).toThrow();
    expect(store.user()).toEqual({});
  });

  it('returns only settings Strata knows', () => {
    writeFileSync(file, JSON.stringify({ region: 'eu-west-1', theme: 'dark' }));
    expect(open().user()).toEqual({ region: 'eu-west-1' });
  });

  it.each([
    ['garbage bytes', Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x13, 0x37])],
    ['valid JSON that fails the schema', Buffer.from(JSON.stringify({ region: 'eu-west-1', redirectPort: 'abc' }))],
  ])('keeps a damaged file (%s) aside and starts with defaults', (_, damaged) => {
    writeFileSync(file, damaged);
    const store = open();

    const keptAt = path.join(dir, keptName);
    expect(readFileSync(keptAt)).toEqual(damaged);
    expect(store.user()).toEqual({});
    expect(store.notices).toEqual([
      {
        id: 'settings-reset',
        level: 'warning',
        message: `Your Strata settings file was damaged, so Strata started with default settings. The old file was kept at ${keptAt}.`,
      },
    ]);

    store.update({ region: 'eu-west-1' });
    expect(open().user()).toEqual({ region: 'eu-west-1' });
  });

  it('recovers the same way when the file is damaged while Strata runs', () => {
    const store = open();
    store.update({ region: 'eu-west-1' });
    writeFileSync(file, 'not json');

    expect(store.user()).toEqual({});
    expect(store.notices.map((notice) => notice.id)).toEqual(['settings-reset']);
    expect(readFileSync(path.join(dir, keptName), 'utf8')).toBe('not json');
    store.update({ region: 'eu-north-1' });
    expect(open().user()).toEqual({ region: 'eu-north-1' });
  });
});
