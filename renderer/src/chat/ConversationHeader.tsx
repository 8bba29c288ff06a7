/** Above the messages: the title, whom it talks to (a model or a Bedrock Agent), the conversation's settings, export. */
import { useId, useState, type FormEvent } from 'react';
import type { Conversation, ConversationSettingsPatch } from '../../../preload/contract';
import { LIMITS } from '../../../preload/limits';
import { AgentForm, TargetControls, useAgentFormToggle } from '../agents/AgentTarget';
import { targetProblemsFromError } from '../agents/target-form';
import { useChat, useConversations, useSettings, useStores } from '../app-stores';
import { isBusy } from './chat-store';

function SettingsPanel({ id, conversation, onClose }: { id: string; conversation: Conversation; onClose: () => void }) {
  const updateSettings = useConversations((s) => s.updateSettings);
  const { settings } = conversation;
  const [system, setSystem] = useState(settings.systemPrompt);
  // '' means the model's default.
  const [temperature, setTemperature] = useState(settings.temperature?.toString() ?? '');
  const [maxTokens, setMaxTokens] = useState(settings.maxTokens?.toString() ?? '');
  const ids = { system: useId(), temperature: useId(), max: useId() };
  const maxValue = maxTokens.trim() ? Number(maxTokens) : undefined;
  const temperatureValue = temperature.trim() ? Number(temperature) : undefined;
  const temperatureInvalid = temperatureValue !== undefined && !(temperatureValue >= 0 && temperatureValue <= 1);
  const maxInvalid = maxValue !== undefined && (!Number.isInteger(maxValue) || maxValue < 1 || maxValue > LIMITS.maxTokens);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (maxInvalid || temperatureInvalid) return;
    // null says "back to the model's default" explicitly; an absent key would leave the old value.
    const patch = {
      systemPrompt: system,
      temperature: temperatureValue ?? null,
      maxTokens: maxValue ?? null,
    };
    if (await updateSettings(patch)) onClose();
  };

  return (
    <form id={id} className="settings-panel card" onSubmit={(e) => void save(e)} aria-label="Conversation settings">
      <label htmlFor={ids.system}>Instructions for the model (system prompt)</label>
      <textarea id={ids.system} rows={4} value={system} maxLength={LIMITS.systemPrompt} onChange={(e) => setSystem(e.target.value)} data-testid="system-prompt-input" />
      <label htmlFor={ids.temperature}>Temperature, from 0 (focused) to 1 (creative)</label>
      <div className="settings-panel__row">
        <input
          id={ids.temperature}
          type="number"
          inputMode="decimal"
          min={0}
          max={1}
          step={0.1}
          value={temperature}
          placeholder="Default"
          onChange={(e) => setTemperature(e.target.value)}
          aria-invalid={temperatureInvalid}
          aria-describedby={`${ids.temperature}-hint`}
          data-testid="temperature-input"
        />
        <button type="button" className="button button--small button--secondary" onClick={() => setTemperature('')} disabled={!temperature}>
          Use the model's default
        </button>
      </div>
      <p id={`${ids.temperature}-hint`} className={temperatureInvalid ? 'field-error' : 'field-hint'}>
        {temperatureInvalid ? 'Enter a number from 0 to 1, or leave it empty.' : temperature ? '' : "Empty: the model's default."}
      </p>
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

/** What the header says once a new session has started with the agent or knowledge base `name`. */
export const sessionNoteText = (name: string) => `New session started: ${name} no longer remembers the messages above. They stay here for you.`;

const EXPORT_TURNED_OFF = 'Your organization has turned off exporting conversations';

export function ConversationHeader({ conversation }: { conversation: Conversation }) {
  const { conversations, models } = useStores();
  const rename = useConversations((s) => s.rename);
  const exportOpen = useConversations((s) => s.exportOpen);
  const exported = useConversations((s) => (s.exported?.conversationId === conversation.id ? s.exported.path : null));
  const showExport = useConversations((s) => s.showExport);
  const exportAllowed = useSettings((s) => s.view?.policy?.allowExport ?? true);
  // What the person is typing as the new name; null while they are not renaming.
  const [draft, setDraft] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const panelId = useId();
  const title = draft ?? conversation.title;
  const { agent, knowledgeBase, modelId } = conversation.settings;
  // The agent or knowledge base answering, if one is: its name says who forgot what in a new session.
  const targetName = agent?.name ?? knowledgeBase?.name;
  const agentForm = useAgentFormToggle();
  const busy = useChat((s) => isBusy(s, conversation.id));
  // Said once a new session has started (here or from an answer's error); gone when the agent or knowledge base changes.
  const renewed = useConversations((s) => s.renewedSession?.conversationId === conversation.id);

  const saveTarget = async (patch: ConversationSettingsPatch) => {
    if (await conversations.getState().updateSettings(patch)) {
      if (patch.modelId && patch.modelId !== modelId) void models.getState().choose(patch.modelId);
      return null;
    }
    return targetProblemsFromError(conversations.getState().error);
  };

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
            maxLength={LIMITS.title}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={saveTitle}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
              if (e.key === 'Escape') setDraft(null);
            }}
            data-testid="conversation-title"
          />
        </h1>
        {/* Instructions, temperature and length are the model's alone: an agent has its own, and a knowledge base its prompt. */}
        {!agent && !knowledgeBase && (
          <button
            type="button"
            className="button button--secondary"
            aria-expanded={settingsOpen}
            onClick={() => setSettingsOpen((open) => !open)}
            aria-controls={settingsOpen ? panelId : undefined}
            data-testid="conversation-settings-button"
          >
            Conversation settings
          </button>
        )}
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void exportOpen()}
          disabled={!exportAllowed}
          title={exportAllowed ? 'Save this conversation as a Markdown file' : EXPORT_TURNED_OFF}
          aria-describedby={exportAllowed ? undefined : `${panelId}-export-off`}
          data-testid="export-conversation-button"
        >
          Export
        </button>
        {!exportAllowed && (
          <span className="visually-hidden" id={`${panelId}-export-off`} data-testid="export-turned-off">
            {EXPORT_TURNED_OFF}
          </span>
        )}
      </div>
      <div className="conversation-header__row conversation-header__target">
        <TargetControls
          modelId={conversation.settings.modelId}
          onModel={(modelId) => {
            void conversations.getState().updateSettings({ modelId });
            void models.getState().choose(modelId);
          }}
          agent={agent}
          knowledgeBase={knowledgeBase}
          formOpen={agentForm.open}
          formId={agentForm.formId}
          onToggleForm={agentForm.toggle}
          buttonRef={agentForm.buttonRef}
          onNewSession={() => void conversations.getState().newSession()}
          busy={busy}
        />
      </div>
      {exported && (
        <p className="conversation-header__status" role="status">
          <span data-testid="export-status">Saved to {exported}</span>{' '}
          <button type="button" className="button button--small button--secondary" onClick={() => void showExport()} data-testid="show-in-folder-button">
            Show in folder
          </button>
        </p>
      )}
      {targetName && renewed && (
        <p className="conversation-header__status" role="status" data-testid="agent-session-status">
          {sessionNoteText(targetName)}
        </p>
      )}
      {agentForm.open && <AgentForm id={agentForm.formId} current={conversation.settings} onSave={saveTarget} onClose={agentForm.close} />}
      {settingsOpen && !agent && !knowledgeBase && <SettingsPanel id={panelId} conversation={conversation} onClose={() => setSettingsOpen(false)} />}
    </header>
  );
}
