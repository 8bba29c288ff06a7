/**
 * An action the agent handed back, in words: what it will run (or what it
 * asks Strata for), with each detail it passes. The person approves or
 * denies it, or types the answer for the agent; nothing is sent without
 * their click. Afterwards the card says what became of it.
 */
import { memo, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AgentActionRequest } from '../../../preload/contract';
import { LIMITS } from '../../../preload/limits';
import { useStores } from '../app-stores';
import type { ActionAnswer } from '../chat/chat-store';
import { CheckIcon, GearIcon } from '../shared/icons';
import type { AgentDecision } from './agent-answer';
import { actionHeading, actionSentence, decisionWords } from './agent-words';

/** What the schema says when the answer is empty. */
export const EMPTY_RESULT_PROBLEM = 'Enter what to tell the agent.';

/** Which of the card's controls sent the answer on its way. */
export type Sending = 'approve' | 'deny' | 'result' | null;

export interface ActionCardViewProps {
  id: string;
  agentName: string;
  action: AgentActionRequest;
  decision: AgentDecision | undefined;
  /** The agent's last word in the conversation: the person can still answer it. */
  answerable: boolean;
  /** The answer is still arriving, or another request of the conversation is under way. */
  busy: boolean;
  sending: Sending;
  text: string;
  problem: string | null;
  onText: (text: string) => void;
  onConfirm: (confirmed: boolean) => void;
  onSubmitText: () => void;
}

/** The ids of the card's parts that take the focus, from the card's id. */
export const cardPartId = (id: string, part: 'decision' | 'approve' | 'deny' | 'input') => `${id}-${part}`;

/** The card as it shows for the state it is given (ActionCard keeps the state and sends the answer). */
export function ActionCardView(props: ActionCardViewProps) {
  const { id, agentName, action, decision, answerable, busy, sending, text, problem } = props;
  const waiting = decision === undefined && answerable;
  const disabled = busy || sending !== null;
  const noteId = `${id}-note`;
  const problemId = `${id}-problem`;
  return (
    <section
      className={`action-card${waiting ? ' action-card--waiting' : ''}`}
      aria-labelledby={`${id}-h`}
      data-testid="action-card"
      data-kind={action.kind}
      data-state={waiting ? 'waiting' : 'decided'}
    >
      <h3 id={`${id}-h`} className="action-card__title">
        <GearIcon /> {actionHeading(action, waiting)}
      </h3>
      <p className="action-card__what">{actionSentence(action, agentName)}</p>
      {action.parameters.length > 0 ? (
        <dl className="action-card__parameters" aria-label="What it passes">
          {action.parameters.map((parameter, i) => (
            <div key={i} className="action-card__parameter">
              <dt>{parameter.name}:</dt>
              <dd>{parameter.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="action-card__none">It passes no details.</p>
      )}
      {decision ? (
        <p id={cardPartId(id, 'decision')} className="action-card__decision" tabIndex={-1} data-testid="action-decision" data-decision={decision.kind}>
          {decision.kind !== 'denied' && <CheckIcon />}
          {decisionWords(decision)}
        </p>
      ) : !answerable ? (
        <p className="action-card__decision" data-testid="action-decision" data-decision="none">
          Not answered: the conversation went on.
        </p>
      ) : action.kind === 'confirm' ? (
        <div className="action-card__answer">
          <p id={noteId} className="action-card__note">
            {busy && sending === null ? 'You can choose once the agent has finished writing.' : 'Nothing runs until you choose.'}
          </p>
          <div className="action-card__buttons">
            <button
              id={cardPartId(id, 'deny')}
              type="button"
              className="button button--secondary"
              onClick={() => props.onConfirm(false)}
              disabled={disabled}
              aria-describedby={noteId}
              data-testid="action-deny"
            >
              {sending === 'deny' ? 'Denying…' : 'Deny'}
            </button>
            <button
              id={cardPartId(id, 'approve')}
              type="button"
              className="button button--primary"
              onClick={() => props.onConfirm(true)}
              disabled={disabled}
              aria-describedby={noteId}
              data-testid="action-approve"
            >
              {sending === 'approve' ? 'Approving…' : 'Approve'}
            </button>
          </div>
        </div>
      ) : (
        <form
          className="action-card__answer action-card__form"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            props.onSubmitText();
          }}
          noValidate
        >
          <label htmlFor={cardPartId(id, 'input')} className="action-card__label">
            Your answer for the agent
          </label>
          <div className="action-card__row">
            <input
              id={cardPartId(id, 'input')}
              type="text"
              value={text}
              maxLength={LIMITS.message}
              autoComplete="off"
              onChange={(event) => props.onText(event.target.value)}
              readOnly={sending !== null}
              aria-invalid={problem !== null}
              aria-describedby={problem ? `${problemId} ${noteId}` : noteId}
              data-testid="action-result-input"
            />
            <button type="submit" className="button button--primary" disabled={disabled} data-testid="action-result-send">
              {sending === 'result' ? 'Sending…' : 'Send'}
            </button>
          </div>
          {problem && (
            <p id={problemId} className="field-error">
              {problem}
            </p>
          )}
          <p id={noteId} className="action-card__note">
            {busy && sending === null ? 'You can answer once the agent has finished writing.' : 'The agent goes on with what you enter.'}
          </p>
        </form>
      )}
    </section>
  );
}

interface ActionCardProps {
  messageId: string;
  agentName: string;
  action: AgentActionRequest;
  decision: AgentDecision | undefined;
  answerable: boolean;
  busy: boolean;
}

/**
 * The card of one handed-back action. Once the person's answer is taken,
 * the focus moves to the words saying what became of it (the buttons it
 * was on are gone); if it was refused, back to where they were.
 */
export const ActionCard = memo(function ActionCard({ messageId, agentName, action, decision, answerable, busy }: ActionCardProps) {
  const { chat } = useStores();
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending>(null);
  const focus = (part: Parameters<typeof cardPartId>[1]) => document.getElementById(cardPartId(id, part))?.focus();
  /** The person answered here: the decision, once it shows, takes the focus. */
  const answeredHere = useRef(false);

  useEffect(() => {
    if (!decision || !answeredHere.current) return;
    answeredHere.current = false;
    document.getElementById(cardPartId(id, 'decision'))?.focus();
  }, [decision, id]);

  const send = async (answer: ActionAnswer, by: Exclude<Sending, null>) => {
    setSending(by);
    answeredHere.current = true;
    const sent = await chat.getState().answerAction(messageId, answer);
    setSending(null);
    if (sent) return;
    answeredHere.current = false;
    // Refused (the reason shows with the chat's errors): the person is where they were, and can try again.
    queueMicrotask(() => focus(by === 'result' ? 'input' : by));
  };

  return (
    <ActionCardView
      id={id}
      agentName={agentName}
      action={action}
      decision={decision}
      // The agent's next answer may start before the decision is back: the card waits for it as it was.
      answerable={answerable || sending !== null}
      busy={busy}
      sending={sending}
      text={text}
      problem={problem}
      onText={(value) => {
        setText(value);
        if (problem && value.trim()) setProblem(null);
      }}
      onConfirm={(confirmed) => void send({ kind: 'confirm', confirmed }, confirmed ? 'approve' : 'deny')}
      onSubmitText={() => {
        const answer = text.trim();
        if (!answer) {
          setProblem(EMPTY_RESULT_PROBLEM);
          focus('input');
          return;
        }
        void send({ kind: 'result', text: answer }, 'result');
      }}
    />
  );
});
