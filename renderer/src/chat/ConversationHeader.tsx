/** Above the messages: the title, the model, the conversation's settings, export. */
import { useId, useState, type FormEvent } from 'react';
import type { Conversation } from '../../../preload/contract';
import { useChat } from '../app-stores';
import { findModel, modelLabel } from './chat-format';

export function ModelPicker({ value, onChange, disabled }: { value: string; onChange: (id: string) => void; disabled?: boolean }) {
  const catalog = useChat((s) => s.catalog);
  const loading = useChat((s) => s.catalogLoading);
  const error = useChat((s) => s.catalogError);
  const loadCatalog = useChat((s) => s.loadCatalog);
  const id = useId();

  if (error) {
    return (
      <div className="model-picker model-picker--error" role="alert" data-testid="models-error">
        <span>Couldn't load the models: {error.message}</span>
        <button type="button" className="button button--small button--secondary" onClick={() => void loadCatalog(true)} data-testid="models-retry-button">
          Retry
        </button>
      </div>
    );
  }
  const empty = catalog !== null && catalog.groups.length === 0;
  const known = findModel(catalog, value);
  return (
    <div className="model-picker">
      <label htmlFor={id} className="model-picker__label">
        Model
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled || loading || empty} data-testid="model-picker">
        {!value && <option value="">{loading ? 'Loading models…' : 'Choose a model'}</option>}
        {value && !known && <option value={value}>{loading ? 'Loading models…' : `${value} (not in this Region's list)`}</option>}
        {catalog?.groups.map((group) => (
          <optgroup key={group.provider} label={group.provider}>
            {group.models.map((model) => (
              <option key={model.id} value={model.id}>
                {modelLabel(model)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {empty && (
        <p className="model-picker__empty">
          No chat models are enabled for you in {catalog.region}. Ask IT to enable model access in Amazon Bedrock.
        </p>
      )}
    </div>
  );
}

function SettingsPanel({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const updateSettings = useChat((s) => s.updateSettings);
  const { settings } = conversation;
  const [system, setSystem] = useState(settings.systemPrompt);
  const [useDefaultTemperature, setUseDefaultTemperature] = useState(settings.temperature === undefined);
  const [temperature, setTemperature] = useState(settings.temperature ?? 0.7);
  const [maxTokens, setMaxTokens] = useState(settings.maxTokens?.toString() ?? '');
  const ids = { system: useId(), temperature: useId(), max: useId() };
  const maxValue = maxTokens.trim() ? Number(maxTokens) : undefined;
  const maxInvalid = maxValue !== undefined && (!Number.isInteger(maxValue) || maxValue < 1 || maxValue > 200_000);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (maxInvalid) return;
    const patch = {
      systemPrompt: system,
      temperature: useDefaultTemperature ? undefined : temperature,
      maxTokens: maxValue,
    };
    await updateSettings(patch);
    onClose();
  };

  return (
    <form className="settings-panel card" onSubmit={(e) => void save(e)} aria-label="Conversation settings">
      <label htmlFor={ids.system}>Instructions for the model (system prompt)</label>
      <textarea id={ids.system} rows={4} value={system} maxLength={20_000} onChange={(e) => setSystem(e.target.value)} data-testid="system-prompt-input" />
      <fieldset className="settings-panel__row">
        <legend>Temperature</legend>
        <label className="checkbox">
          <input type="checkbox" checked={useDefaultTemperature} onChange={(e) => setUseDefaultTemperature(e.target.checked)} /> The model's default
        </label>
        <label htmlFor={ids.temperature} className="visually-hidden">
          Temperature value
        </label>
        <input
          id={ids.temperature}
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={temperature}
          disabled={useDefaultTemperature}
          onChange={(e) => setTemperature(Number(e.target.value))}
          data-testid="temperature-input"
        />
        <output htmlFor={ids.temperature}>{useDefaultTemperature ? 'Default' : temperature.toFixed(2)}</output>
      </fieldset>
      <label htmlFor={ids.max}>Longest answer, in tokens (empty: the model's default)</label>
      <input
        id={ids.max}
        inputMode="numeric"
        value={maxTokens}
        onChange={(e) => setMaxTokens(e.target.value.replace(/[^\d]/g, ''))}
        aria-invalid={maxInvalid}
        aria-describedby={maxInvalid ? `${ids.max}-error` : undefined}
        data-testid="max-tokens-input"
      />
      {maxInvalid && (
        <p id={`${ids.max}-error`} className="field-error">
          Enter a whole number from 1 to 200,000.
        </p>
      )}
      <div className="settings-panel__actions">
        <button type="button" className="button button--secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button--primary">
          Save
        </button>
      </div>
    </form>
  );
}

export function ConversationHeader({ conversation }: { conversation: Conversation }) {
  const rename = useChat((s) => s.rename);
  const updateSettings = useChat((s) => s.updateSettings);
  const exportOpen = useChat((s) => s.exportOpen);
  const exportStatus = useChat((s) => s.exportStatus);
  // What the person is typing as the new name; null while they are not renaming.
  const [draft, setDraft] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const title = draft ?? conversation.title;

  const saveTitle = () => {
    if (draft !== null && draft.trim() && draft.trim() !== conversation.title) void rename(conversation.id, draft.trim());
    setDraft(null);
  };

  return (
    <header className="conversation-header">
      <div className="conversation-header__row">
        <h1 className="conversation-header__title">
          <input
            className="conversation-header__title-input"
            aria-label="Conversation name"
            value={title}
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={saveTitle}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
              if (e.key === 'Escape') setDraft(null);
            }}
            data-testid="conversation-title"
          />
        </h1>
        <ModelPicker value={conversation.settings.modelId} onChange={(modelId) => void updateSettings({ modelId })} />
        <button
          type="button"
          className="button button--secondary"
          aria-expanded={settingsOpen}
          onClick={() => setSettingsOpen((open) => !open)}
          data-testid="conversation-settings-button"
        >
          Settings
        </button>
        <button type="button" className="button button--secondary" onClick={() => void exportOpen()} data-testid="export-conversation-button">
          Export
        </button>
      </div>
      {exportStatus && (
        <p className="conversation-header__status" role="status" data-testid="export-status">
          {exportStatus}
        </p>
      )}
      {settingsOpen && <SettingsPanel conversation={conversation} onClose={() => setSettingsOpen(false)} />}
    </header>
  );
}
