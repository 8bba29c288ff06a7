/**
 * Whom a conversation talks to: a model (the model picker) or a Bedrock
 * Agent, named by the IDs AWS gives it and a name the person knows it by.
 * The controls sit where the model picker does; the agent form opens below
 * them. Lists of agents are not offered yet: the IDs are typed.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { AgentConversation } from '../../../preload/contract';
import { ModelPicker } from '../chat/ModelPicker';
import { AGENT_NAME_MAX, checkAgentDraft, draftOf, type AgentDraft, type AgentField, type AgentProblems } from './agent-form';
import { agentTitle } from './agent-words';
import './agents.css';

/** The agent form's disclosure: open or not, and the focus back on its button when it closes. */
export function useAgentFormToggle() {
  const [open, setOpen] = useState(false);
  const formId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  // Counts the closings: each one hands the focus back, after the button (which may be a new one) is on the page.
  const [closed, setClosed] = useState(0);
  useEffect(() => {
    if (closed) buttonRef.current?.focus();
  }, [closed]);
  const toggle = useCallback(() => setOpen((was) => !was), []);
  const close = useCallback(() => {
    setOpen(false);
    setClosed((n) => n + 1);
  }, []);
  return { open, setOpen, toggle, close, formId, buttonRef };
}

interface TargetControlsProps {
  modelId: string;
  onModel: (modelId: string) => void;
  /** The agent the conversation talks to; undefined: a model. */
  agent: AgentConversation | undefined;
  formOpen: boolean;
  formId: string;
  onToggleForm: () => void;
  buttonRef: RefObject<HTMLButtonElement | null>;
  /** Starts the agent's session anew; absent where there is nothing to forget yet (a new conversation). */
  onNewSession?: () => void;
  /** The conversation has a request under way: its session stays as it is until it ends. */
  busy?: boolean;
}

/** The model picker and "Use a Bedrock Agent", or the agent's name and alias with "Change agent" and "New session". */
export function TargetControls({ modelId, onModel, agent, formOpen, formId, onToggleForm, buttonRef, onNewSession, busy = false }: TargetControlsProps) {
  const hintId = useId();
  const pickerButton = (label: string) => (
    <button
      ref={buttonRef}
      type="button"
      className="button button--secondary"
      aria-expanded={formOpen}
      aria-controls={formOpen ? formId : undefined}
      onClick={onToggleForm}
      data-testid="agent-picker-button"
    >
      {label}
    </button>
  );
  if (!agent) {
    return (
      <>
        <ModelPicker value={modelId} onChange={onModel} />
        {pickerButton('Use a Bedrock Agent')}
      </>
    );
  }
  const { name, alias } = agentTitle(agent);
  return (
    <>
      <p className="agent-target" data-testid="agent-target">
        <span className="agent-target__label">Bedrock Agent</span>
        <span className="agent-target__name" data-testid="agent-header-name">
          {name}
        </span>
        <span className="agent-target__alias" data-testid="agent-header-alias">
          {alias}
        </span>
      </p>
      {pickerButton('Change agent')}
      {onNewSession && (
        <>
          <button
            type="button"
            className="button button--secondary"
            onClick={onNewSession}
            disabled={busy}
            title="The agent forgets this conversation so far and starts afresh. Your messages stay here."
            aria-describedby={hintId}
            data-testid="agent-new-session"
          >
            New session
          </button>
          <span id={hintId} className="visually-hidden">
            The agent forgets this conversation so far and starts afresh. Your messages stay here.
          </span>
        </>
      )}
    </>
  );
}

export interface AgentFormViewProps {
  id: string;
  /** The agent the conversation talks to now, if any. */
  current: AgentConversation | undefined;
  draft: AgentDraft;
  problems: AgentProblems;
  saving: boolean;
  onChange: (field: AgentField, value: string) => void;
  onSubmit: () => void;
  onCancel: () => void;
  /** Back to the model; absent while no agent is chosen. */
  onUseModel?: () => void;
}

/** The id of a field's box, from the form's id. */
export const agentFieldId = (id: string, field: AgentField) => `${id}-${field}`;

const FIELDS: ReadonlyArray<{ field: AgentField; label: string; hint: string; testId: string; maxLength: number }> = [
  { field: 'agentId', label: 'Agent ID', hint: '10 letters or digits, such as LIBRARIAN1.', testId: 'agent-id-input', maxLength: 64 },
  {
    field: 'aliasId',
    label: 'Alias ID',
    hint: "10 letters or digits, such as LIBLIVE001, or TSTALIASID for the agent's test version.",
    testId: 'agent-alias-input',
    maxLength: 64,
  },
  {
    field: 'name',
    label: 'Name you know it by (optional)',
    hint: 'Shown at the top of the conversation. Left empty, the agent ID is shown.',
    testId: 'agent-name-input',
    maxLength: AGENT_NAME_MAX,
  },
];

/** The agent form as it shows for the state it is given (AgentForm keeps the state). */
export function AgentFormView({ id, current, draft, problems, saving, onChange, onSubmit, onCancel, onUseModel }: AgentFormViewProps) {
  return (
    <form
      id={id}
      className="agent-form card"
      aria-labelledby={`${id}-h`}
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onCancel();
      }}
      data-testid="agent-form"
    >
      <h2 id={`${id}-h`} className="agent-form__title">
        {current ? 'The Bedrock Agent this conversation talks to' : 'Talk to a Bedrock Agent'}
      </h2>
      <p className="agent-form__lead">
        A Bedrock Agent answers from your company's knowledge bases and tools instead of a model. Whoever looks after the agent can give
        you its IDs; they are on the agent's page in the Amazon Bedrock console.
      </p>
      {FIELDS.map(({ field, label, hint, testId, maxLength }) => {
        const problem = problems[field];
        const inputId = agentFieldId(id, field);
        return (
          <div key={field} className="agent-form__field">
            <label htmlFor={inputId}>{label}</label>
            <input
              id={inputId}
              type="text"
              value={draft[field]}
              maxLength={maxLength}
              autoComplete="off"
              spellCheck={false}
              placeholder={field === 'name' ? draft.agentId.trim() || undefined : undefined}
              onChange={(event) => onChange(field, event.target.value)}
              aria-invalid={problem !== undefined}
              aria-describedby={problem ? `${inputId}-problem ${inputId}-hint` : `${inputId}-hint`}
              data-testid={testId}
            />
            {problem && (
              <p id={`${inputId}-problem`} className="field-error" data-testid={`${testId.replace(/-input$/, '')}-problem`}>
                {problem}
              </p>
            )}
            <p id={`${inputId}-hint`} className="field-hint">
              {hint}
            </p>
          </div>
        );
      })}
      <div className="agent-form__actions">
        {onUseModel && (
          <button type="button" className="button button--secondary agent-form__use-model" onClick={onUseModel} disabled={saving} data-testid="agent-use-model">
            Talk to a model instead
          </button>
        )}
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={saving} data-testid="agent-save">
          {saving ? 'Saving…' : current ? 'Save' : 'Talk to this agent'}
        </button>
      </div>
    </form>
  );
}

interface AgentFormProps {
  id: string;
  current: AgentConversation | undefined;
  /** Saves the agent: null once saved, else what main found wrong with each field (maybe nothing: the error shows above). */
  onSave: (agent: AgentConversation) => Promise<AgentProblems | null>;
  /** Back to the model: true once saved. */
  onUseModel?: () => Promise<boolean>;
  onClose: () => void;
}

/** The agent form: checked as the contract checks it, each problem beside its field, the first such field focused. */
export function AgentForm({ id, current, onSave, onUseModel, onClose }: AgentFormProps) {
  const [draft, setDraft] = useState(() => draftOf(current));
  const [problems, setProblems] = useState<AgentProblems>({});
  const [saving, setSaving] = useState(false);
  const focus = (field: AgentField) => document.getElementById(agentFieldId(id, field))?.focus();

  useEffect(() => {
    document.getElementById(agentFieldId(id, 'agentId'))?.focus();
  }, [id]);

  const showProblems = (found: AgentProblems) => {
    setProblems(found);
    const field = FIELDS.find(({ field }) => found[field] !== undefined)?.field;
    if (field) focus(field);
  };

  const submit = async () => {
    if (saving) return;
    const checked = checkAgentDraft(draft, current);
    if (!checked.ok) return showProblems(checked.problems);
    setSaving(true);
    const refused = await onSave(checked.agent);
    setSaving(false);
    if (refused) showProblems(refused);
    else onClose();
  };

  const backToModel = onUseModel
    ? async () => {
        setSaving(true);
        const saved = await onUseModel();
        setSaving(false);
        if (saved) onClose();
      }
    : undefined;

  return (
    <AgentFormView
      id={id}
      current={current}
      draft={draft}
      problems={problems}
      saving={saving}
      onChange={(field, value) => {
        setDraft((was) => ({ ...was, [field]: value }));
        if (problems[field]) setProblems(({ [field]: _fixed, ...rest }) => rest);
      }}
      onSubmit={() => void submit()}
      onCancel={onClose}
      onUseModel={backToModel && (() => void backToModel())}
    />
  );
}
