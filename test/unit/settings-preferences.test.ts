import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatService } from '../../main/chat/chat-service';
import { ConversationStore } from '../../main/chat/conversation-store';
import { ModelService } from '../../main/chat/model-service';
import { DEFAULT_PREFERENCES, Preferences } from '../../main/chat/preferences';
import { AwsClients } from '../../main/net/aws-clients';
import { DEFAULT_SETTINGS } from '../../main/settings/layers';
import type { OpenStore } from '../../main/settings/settings-store';

const openStore: OpenStore = (options) =>
  new Conf({ configName: options.name, cwd: options.cwd, schema: options.schema, clearInvalidConfig: options.clearInvalidConfig });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-preferences-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open = (log?: (message: string) => void) => new Preferences(openStore, dir, log);
const file = () => path.join(dir, 'preferences.json');

describe('personal preferences', () => {
  it('start with the defaults: system theme, normal text, the last model, no instructions, Enter sends', () => {
    expect(open().get()).toEqual({
      theme: 'system',
      textSize: 'normal',
      defaultModelId: '',
      defaultInstructions: '',
      enterToSend: true,
    });
  });

  it('save only what changed, tell listeners, and keep it across restarts', () => {
    const first = open();
    first.setLastModelId('model-last');
    const listener = vi.fn();
    first.onChange(listener);
    const updated = first.update({ theme: 'dark', enterToSend: false });
    expect(updated).toEqual({ ...DEFAULT_PREFERENCES, theme: 'dark', enterToSend: false });
    expect(listener).toHaveBeenCalledWith(updated);

    first.update({ textSize: 'larger', defaultInstructions: 'Answer in British English.' });
    const second = open();
    expect(second.get()).toEqual({
      ...DEFAULT_PREFERENCES,
      theme: 'dark',
      enterToSend: false,
      textSize: 'larger',
      defaultInstructions: 'Answer in British English.',
    });
    // The last model chosen lives in the same file and survives the updates.
    expect(second.lastModelId()).toBe('model-last');
  });

  it('refuse a value they do not know, with a sentence for the field and nothing saved', () => {
    const preferences = open();
    const listener = vi.fn();
    preferences.onChange(listener);
    let thrown: unknown;
    try {
      preferences.update({ defaultInstructions: 'x'.repeat(20_001) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'invalid-input' });
    const appError = (thrown as { toAppError(): { fields?: Record<string, string> } }).toAppError();
    expect(appError.fields).toEqual({ defaultInstructions: 'Keep the instructions to 20,000 characters or fewer.' });
    expect(() => preferences.update({ theme: 'purple' as never })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(preferences.get()).toEqual(DEFAULT_PREFERENCES);
    expect(listener).not.toHaveBeenCalled();
  });

  it('start afresh from a damaged file, and save again afterwards', () => {
    writeFileSync(file(), '{ "theme": "dark", ');
    const log = vi.fn();
    const preferences = open(log);
    expect(preferences.get()).toEqual(DEFAULT_PREFERENCES);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('starting afresh'));

    preferences.update({ theme: 'light' });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ theme: 'light' });
  });

  it('start afresh from a file holding a value Strata does not accept', () => {
    writeFileSync(file(), JSON.stringify({ theme: 'neon', textSize: 'large' }));
    expect(open().get()).toEqual(DEFAULT_PREFERENCES);
  });
});

describe('defaults for new conversations', () => {
  const clients = new AwsClients({ settings: () => DEFAULT_SETTINGS });
  afterAll(() => clients.dispose());
  const models = (preferences: Preferences) =>
    new ModelService({
      settings: () => DEFAULT_SETTINGS,
      auth: () => {
        throw new Error('not used');
      },
      clients,
      preferences,
    });

  it('the chosen default model wins over the last one used; "the model you used last" falls back to it', () => {
    const preferences = open();
    const service = models(preferences);
    expect(service.defaultModelId()).toBe('');

    service.choose('model-last');
    expect(service.defaultModelId()).toBe('model-last');

    preferences.update({ defaultModelId: 'model-chosen' });
    service.choose('model-later');
    expect(service.defaultModelId()).toBe('model-chosen');

    preferences.update({ defaultModelId: '' });
    expect(service.defaultModelId()).toBe('model-later');
  });

  it('a new conversation starts with the default instructions, unless the message brings its own', async () => {
    const preferences = open();
    preferences.update({ defaultModelId: 'model-chosen', defaultInstructions: 'You help the finance team.' });
    const store = new ConversationStore({ file: path.join(dir, 'strata.db') });
    const chat = new ChatService({
      store,
      models: models(preferences),
      // Nothing listens there: the answer fails at once, after the conversation is saved.
      settings: () => ({ ...DEFAULT_SETTINGS, bedrockRuntimeEndpoint: 'http://127.0.0.1:9' }),
      auth: () => ({ kind: 'sigv4', credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }) }),
      renewCredentials: async () => undefined,
      clients,
      emit: () => {},
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    try {
      const started = chat.send(null, 'What changed in Q3?');
      expect(started.conversation.settings).toEqual({ modelId: 'model-chosen', systemPrompt: 'You help the finance team.' });

      const own = chat.send(null, 'Another question', { systemPrompt: 'Be brief.' });
      expect(own.conversation.settings.systemPrompt).toBe('Be brief.');

      // An existing conversation keeps its own instructions when the default changes.
      preferences.update({ defaultInstructions: 'Something else.' });
      expect(store.get(started.conversation.id).settings.systemPrompt).toBe('You help the finance team.');
    } finally {
      await chat.stopAll();
      chat.dispose();
    }
  });
});
