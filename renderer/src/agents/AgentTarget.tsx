/**
 * Whom a conversation talks to: a model (the model picker), a Bedrock Agent,
 * or a knowledge base whose passages a model answers from. The controls sit
 * where the model picker does; the target form opens below them. The form
 * offers the agents and knowledge bases AWS lists for the person, and keeps
 * the ID fields for those IT hands out by ID.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { AgentConversation, AgentDirectory, AppError, ConversationSettingsPatch, KnowledgeBaseConversation } from '../../../preload/contract';
import { useAgentDirectory, useStores } from '../app-stores';
import { ModelPicker } from '../chat/ModelPicker';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { AGENT_NAME_MAX, type AgentField } from './agent-form';
import { agentTitle } from './agent-words';
import {
  checkTarget,
  choiceValueOf,
  directoryChoices,
  kindOf,
  KNOWLEDGE_BASE_NAME_MAX,
  findChoice,
  targetDraftOf,
  withEdit,
  type CurrentTarget,
  type TargetDraft,
  type TargetField,
  type TargetKind,
  type TargetProblems,
} from './target-form';
import './agents.css';

/** The target form's disclosure: open or not, and the focus back on its button when it closes. */
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

const AGENT_SESSION_HINT = 'The agent forgets this conversation so far and starts afresh. Your messages stay here.';
const KNOWLEDGE_BASE_SESSION_HINT = 'The knowledge base session starts afresh: earlier questions no longer shape the answers. Your messages stay here.';

interface TargetControlsProps {
  modelId: string;
  onModel: (modelId: string) => void;
  /** The agent the conversation talks to; undefined: a model, or a knowledge base. */
  agent: AgentConversation | undefined;
  /** The knowledge base the conversation asks, its answers written by `modelId`. */
  knowledgeBase?: KnowledgeBaseConversation | undefined;
  formOpen: boolean;
  formId: string;
  onToggleForm: () => void;
  buttonRef: RefObject<HTMLButtonElement | null>;
  /** Starts the agent's (or knowledge base's) session anew; absent where there is nothing to forget yet (a new conversation). */
  onNewSession?: () => void;
  /** The conversation has a request under way: its session stays as it is until it ends. */
  busy?: boolean;
}

/**
 * The model picker and "Use a Bedrock Agent or knowledge base"; the agent's name and alias with
 * "Change agent"; or the knowledge base's name and the model that writes its answers, with
 * "Change knowledge base". An agent or knowledge base also has "New session".
 */
export function TargetControls({
  modelId,
  onModel,
  agent,
  knowledgeBase,
  formOpen,
  formId,
  onToggleForm,
  buttonRef,
  onNewSession,
  busy = false,
}: TargetControlsProps) {
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
  const newSession = (hint: string) =>
    onNewSession && (
      <>
        <button
          type="button"
          className="button button--secondary"
          onClick={onNewSession}
          disabled={busy}
          title={hint}
          aria-describedby={hintId}
          data-testid="agent-new-session"
        >
          New session
        </button>
        <span id={hintId} className="visually-hidden">
          {hint}
        </span>
      </>
    );

  if (agent) {
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
        {newSession(AGENT_SESSION_HINT)}
      </>
    );
  }
  if (knowledgeBase) {
    return (
      <>
        <p className="agent-target" data-testid="knowledge-base-target">
          <span className="agent-target__label">Knowledge base</span>
          <span className="agent-target__name" data-testid="knowledge-base-header-name" title={knowledgeBase.knowledgeBaseId}>
            {knowledgeBase.name}
          </span>
        </p>
        <ModelPicker value={modelId} onChange={onModel} label="Answers written by" />
        {pickerButton('Change knowledge base')}
        {newSession(KNOWLEDGE_BASE_SESSION_HINT)}
      </>
    );
  }
  return (
    <>
      <ModelPicker value={modelId} onChange={onModel} />
      {pickerButton('Use a Bedrock Agent or knowledge base')}
    </>
  );
}

/** The id of a field's box, from the form's id. */
export const agentFieldId = (id: string, field: TargetField | AgentField) => `${id}-${field}`;

interface FieldSpec {
  field: TargetField;
  label: string;
  hint: string;
  testId: string;
  maxLength: number;
  /** The field whose text shows greyed in this one while it is empty (a name follows its ID). */
  placeholderFrom?: TargetField;
}

const AGENT_FIELDS: readonly FieldSpec[] = [
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
    placeholderFrom: 'agentId',
  },
];

const KNOWLEDGE_BASE_FIELDS: readonly FieldSpec[] = [
  { field: 'knowledgeBaseId', label: 'Knowledge base ID', hint: '10 letters or digits, such as KBHANDBOOK.', testId: 'kb-id-input', maxLength: 64 },
  {
    field: 'knowledgeBaseName',
    label: 'Name you know it by (optional)',
    hint: 'Shown at the top of the conversation. Left empty, the knowledge base ID is shown.',
    testId: 'kb-name-input',
    maxLength: KNOWLEDGE_BASE_NAME_MAX,
    placeholderFrom: 'knowledgeBaseId',
  },
];

/** The fields of each kind, in the order they are on the form (the first with a problem takes the focus). */
export const FIELDS_OF: Record<TargetKind, readonly TargetField[]> = {
  agent: AGENT_FIELDS.map((f) => f.field),
  'knowledge-base': [...KNOWLEDGE_BASE_FIELDS.map((f) => f.field), 'modelId'],
  model: ['modelId'],
};

const KINDS: ReadonlyArray<{ kind: TargetKind; label: string }> = [
  { kind: 'model', label: 'A model' },
  { kind: 'agent', label: 'A Bedrock Agent' },
  { kind: 'knowledge-base', label: 'A knowledge base' },
];

/** The form's heading, lead and button for the kind chosen, and for whether the conversation talks to that kind already. */
function wordsFor(kind: TargetKind, current: CurrentTarget): { title: string; lead: string; submit: string } {
  switch (kind) {
    case 'agent':
      return {
        title: current.agent ? 'The Bedrock Agent this conversation talks to' : 'Talk to a Bedrock Agent',
        lead:
          "A Bedrock Agent answers from your company's knowledge bases and tools instead of a model. Pick one from the list, or enter the IDs whoever looks after the agent gave you; they are on the agent's page in the Amazon Bedrock console.",
        submit: current.agent ? 'Save' : 'Talk to this agent',
      };
    case 'knowledge-base':
      return {
        title: current.knowledgeBase ? 'The knowledge base this conversation asks' : 'Ask a knowledge base',
        lead: "Amazon Bedrock finds the passages of your company's knowledge base that answer each question, and the model you choose writes the answer from them, with a reference to each source.",
        submit: current.knowledgeBase ? 'Save' : 'Ask this knowledge base',
      };
    case 'model':
      return {
        title: 'Talk to a model',
        lead: "The model answers from what it learned, without your company's knowledge bases or tools.",
        submit: kindOf(current) === 'model' ? 'Save' : 'Talk to this model',
      };
  }
}

/** The directory as the form shows it: the lists, whether they are loading, and why they could not be had. */
export interface DirectoryView {
  directory: AgentDirectory | null;
  loading: boolean;
  error: AppError | null;
}

interface DirectoryPickerProps extends DirectoryView {
  id: string;
  kind: Exclude<TargetKind, 'model'>;
  draft: TargetDraft;
  onPick: (value: string) => void;
  onRefresh: () => void;
}

/**
 * The agents (one entry per alias that can answer) or the knowledge bases AWS lists, as a native
 * select that fills the ID fields below it; with loading, failure, "not listed" and empty states,
 * each saying that the IDs can still be typed.
 */
export function DirectoryPicker({ id, kind, draft, directory, loading, error, onPick, onRefresh }: DirectoryPickerProps) {
  const agents = kind === 'agent';
  const selectId = `${id}-choice`;
  const noteId = `${selectId}-note`;
  const choices = directory ? directoryChoices(directory, kind) : [];
  const missing = directory?.missing?.list === (agents ? 'agents' : 'knowledge-bases') ? directory.missing.error : null;
  const failure = error ?? missing;
  const empty = directory !== null && !missing && choices.length === 0;
  const current = choiceValueOf(draft);
  const chosen = choices.find((c) => c.value === current);
  const typed = agents ? draft.agentId.trim() || draft.aliasId.trim() : draft.knowledgeBaseId.trim();
  const stillType = agents ? 'You can still enter the IDs below.' : 'You can still enter the ID below.';

  let placeholder: string;
  if (loading && choices.length === 0) placeholder = 'Loading…';
  else if (failure) placeholder = 'The list could not be loaded';
  else if (empty) placeholder = agents ? 'No agents listed' : 'No knowledge bases listed';
  else if (typed && !chosen) placeholder = agents ? 'Not in the list: the IDs below are used' : 'Not in the list: the ID below is used';
  else placeholder = agents ? 'Choose an agent…' : 'Choose a knowledge base…';

  return (
    <div className="target-directory" data-testid="target-directory">
      <label htmlFor={selectId} className="target-directory__label">
        {agents ? 'Choose from the agents you can use' : 'Choose from the knowledge bases you can use'}
      </label>
      <div className="target-directory__row">
        <select
          id={selectId}
          value={chosen ? chosen.value : ''}
          onChange={(event) => onPick(event.target.value)}
          disabled={choices.length === 0}
          aria-busy={loading}
          aria-describedby={noteId}
          data-testid="target-directory-picker"
        >
          <option value="">{placeholder}</option>
          {choices.length > 0 && (
            <optgroup label={agents ? 'Agents' : 'Knowledge bases'}>
              {choices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={onRefresh}
          disabled={loading}
          aria-describedby={noteId}
          data-testid="target-directory-refresh"
        >
          {loading ? 'Loading…' : 'Refresh'}
          <span className="visually-hidden"> the list</span>
        </button>
      </div>
      <div id={noteId} className="target-directory__note" role="status">
        {loading && choices.length === 0 && (
          <p className="field-hint" data-testid="target-directory-loading">
            Loading the agents and knowledge bases AWS lists for you…
          </p>
        )}
        {!loading && failure && (
          <div className="notice notice--warning target-directory__problem" data-testid={error ? 'target-directory-error' : 'target-directory-missing'}>
            <div className="notice__body">
              <p className="target-directory__problem-title">
                {error ? "Couldn't load the agents and knowledge bases." : agents ? "Couldn't load the agents." : "Couldn't load the knowledge bases."}
              </p>
              <ErrorExplanation error={failure}>
                <p className="target-directory__still">{stillType}</p>
              </ErrorExplanation>
            </div>
          </div>
        )}
        {empty && (
          <p className="field-hint" data-testid="target-directory-empty">
            {agents
              ? "AWS lists no agents with an alias that can answer for you in this Region. If you have an agent's IDs, you can still enter them below."
              : 'AWS lists no knowledge bases for you in this Region. If you have its ID, you can still enter it below.'}
          </p>
        )}
        {chosen?.description && (
          <p className="field-hint target-directory__description" data-testid="target-directory-description">
            {chosen.description}
          </p>
        )}
      </div>
    </div>
  );
}

export interface AgentFormViewProps extends DirectoryView {
  id: string;
  /** Whom the conversation talks to now. */
  current: CurrentTarget;
  draft: TargetDraft;
  problems: TargetProblems;
  saving: boolean;
  onKind: (kind: TargetKind) => void;
  onChange: (field: TargetField, value: string) => void;
  /** An entry of the directory was picked (its option's value). */
  onPick: (value: string) => void;
  onRefresh: () => void;
  onSubmit: () => void;
  onCancel: () => void;
  /** The model picker, for the model alone and for the model that writes a knowledge base's answer. */
  modelPicker: ReactNode;
}

/** The target form as it shows for the state it is given (AgentForm keeps the state). */
export function AgentFormView(props: AgentFormViewProps) {
  const { id, current, draft, problems, saving, onKind, onChange, onPick, onRefresh, onSubmit, onCancel, modelPicker } = props;
  const { kind } = draft;
  const words = wordsFor(kind, current);
  const fields = kind === 'agent' ? AGENT_FIELDS : kind === 'knowledge-base' ? KNOWLEDGE_BASE_FIELDS : [];
  const modelProblemId = `${agentFieldId(id, 'modelId')}-problem`;
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
      data-kind={kind}
    >
      <h2 id={`${id}-h`} className="agent-form__title">
        {words.title}
      </h2>
      <fieldset className="target-kinds">
        <legend className="target-kinds__legend">Who answers</legend>
        {KINDS.map((option) => (
          <label key={option.kind} className="target-kinds__option">
            <input
              type="radio"
              name={`${id}-kind`}
              id={`${id}-kind-${option.kind}`}
              value={option.kind}
              checked={kind === option.kind}
              onChange={() => onKind(option.kind)}
              data-testid={`target-kind-${option.kind}`}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </fieldset>
      <p className="agent-form__lead">{words.lead}</p>
      {kind !== 'model' && (
        <DirectoryPicker
          id={id}
          kind={kind}
          draft={draft}
          directory={props.directory}
          loading={props.loading}
          error={props.error}
          onPick={onPick}
          onRefresh={onRefresh}
        />
      )}
      {fields.map(({ field, label, hint, testId, maxLength, placeholderFrom }) => {
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
              placeholder={placeholderFrom ? draft[placeholderFrom].trim() || undefined : undefined}
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
      {kind !== 'agent' && (
        <div id={agentFieldId(id, 'modelId')} className="agent-form__field agent-form__model">
          {modelPicker}
          {problems.modelId && (
            <p id={modelProblemId} className="field-error" data-testid="target-model-problem">
              {problems.modelId}
            </p>
          )}
          {kind === 'knowledge-base' && (
            <p className="field-hint">The model reads the passages Bedrock finds and writes the answer; your company pays for its tokens as for a chat.</p>
          )}
        </div>
      )}
      <div className="agent-form__actions">
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={saving} data-testid="agent-save">
          {saving ? 'Saving…' : words.submit}
        </button>
      </div>
    </form>
  );
}

interface AgentFormProps {
  id: string;
  current: CurrentTarget;
  /** Saves the choice: null once saved, else what main found wrong with each field (maybe nothing: the error shows above). */
  onSave: (patch: ConversationSettingsPatch) => Promise<TargetProblems | null>;
  onClose: () => void;
}

/**
 * The target form: the kind, the directory's entries (asked for once each time the form opens,
 * and on Refresh), the ID fields checked as the contract checks them, each problem beside its
 * field, the first such field focused.
 */
export function AgentForm({ id, current, onSave, onClose }: AgentFormProps) {
  const { agents } = useStores();
  const directory = useAgentDirectory((s) => s.directory);
  const loading = useAgentDirectory((s) => s.loading);
  const error = useAgentDirectory((s) => s.error);
  const [draft, setDraft] = useState(() => targetDraftOf(current));
  const [problems, setProblems] = useState<TargetProblems>({});
  const [saving, setSaving] = useState(false);
  // The lists are asked for once per opening of the form, when a kind that has one is first shown.
  const asked = useRef(false);
  const needsList = draft.kind !== 'model';

  useEffect(() => {
    if (!needsList || asked.current) return;
    asked.current = true;
    void agents.getState().load();
  }, [needsList, agents]);

  // The form opens with the focus on the kind it opened on: the arrow keys choose another, Tab goes on to its fields.
  const [openedOn] = useState(draft.kind);
  useEffect(() => {
    document.getElementById(`${id}-kind-${openedOn}`)?.focus();
  }, [id, openedOn]);

  const focus = (field: TargetField) => {
    const box = document.getElementById(agentFieldId(id, field));
    (box instanceof HTMLInputElement ? box : box?.querySelector('select'))?.focus();
  };

  const showProblems = (found: TargetProblems, kind: TargetKind) => {
    setProblems(found);
    const field = FIELDS_OF[kind].find((f) => found[f] !== undefined);
    if (field) focus(field);
  };

  const submit = async () => {
    if (saving) return;
    const checked = checkTarget(draft, current);
    if (!checked.ok) return showProblems(checked.problems, draft.kind);
    setSaving(true);
    const refused = await onSave(checked.patch);
    setSaving(false);
    if (refused) showProblems(refused, draft.kind);
    else onClose();
  };

  const change = (next: Partial<TargetDraft>) => {
    setDraft((was) => withEdit(was, next, current));
    setProblems((was) => {
      const left = { ...was };
      for (const field of Object.keys(next) as TargetField[]) delete left[field];
      return left;
    });
  };

  return (
    <AgentFormView
      id={id}
      current={current}
      draft={draft}
      problems={problems}
      saving={saving}
      directory={directory}
      loading={loading}
      error={error}
      onKind={(kind) => {
        setDraft((was) => ({ ...was, kind }));
        setProblems({});
      }}
      onChange={(field, value) => change({ [field]: value })}
      onPick={(value) => {
        if (!directory || draft.kind === 'model') return;
        const choice = findChoice(directoryChoices(directory, draft.kind), value);
        if (choice) change(choice.fill);
      }}
      onRefresh={() => void agents.getState().load(true)}
      onSubmit={() => void submit()}
      onCancel={onClose}
      modelPicker={
        <ModelPicker
          value={draft.modelId}
          onChange={(modelId) => change({ modelId })}
          label={draft.kind === 'knowledge-base' ? 'Model that writes the answer' : 'Model'}
        />
      }
    />
  );
}
