/**
 * What the agent did, step by step: folded away under one button until the
 * person opens it, and growing while the answer streams. Each step is
 * memoised on its own object (the chat store keeps unchanged steps the same
 * objects from frame to frame), so a new step draws only itself, however
 * many came before it; a step's raw trace events are turned into text only
 * when the person opens them.
 */
import { memo, useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import type { AgentTraceStep } from '../../../preload/contract';
import { AlertIcon, ChevronIcon, DotIcon, FlagIcon, GearIcon, LightbulbIcon, SearchIcon, ShieldIcon, SpeechIcon, StopSignIcon } from '../shared/icons';
import { guardrailIntervened, stepLabel, stepMeta, stepTitle, traceToggleText } from './agent-words';

function StepIcon({ step }: { step: AgentTraceStep }): ReactNode {
  switch (step.kind) {
    case 'thinking':
      return <LightbulbIcon />;
    case 'knowledge-base':
      return <SearchIcon />;
    case 'action':
      return <GearIcon />;
    case 'answer':
      return <SpeechIcon />;
    case 'pre-processing':
    case 'post-processing':
      return <FlagIcon />;
    case 'guardrail':
      return guardrailIntervened(step) ? <StopSignIcon /> : <ShieldIcon />;
    case 'failure':
      return <AlertIcon />;
    default:
      return <DotIcon />;
  }
}

/** The step's trace events as they came, pretty-printed; made only while it is shown. */
function RawTrace({ id, raw, number }: { id: string; raw: readonly unknown[]; number: number }) {
  const json = useMemo(() => {
    try {
      return JSON.stringify(raw, null, 2);
    } catch {
      return String(raw);
    }
  }, [raw]);
  return (
    <pre id={id} className="trace-step__raw" tabIndex={0} aria-label={`Raw trace of step ${number}`} data-testid="trace-step-raw">
      {json}
    </pre>
  );
}

interface TraceStepProps {
  step: AgentTraceStep;
  /** Its place in the timeline, from 1. */
  number: number;
  /** The key its raw view is kept open by. */
  stepKey: string;
  rawId: string;
  rawOpen: boolean;
  onToggleRaw: (stepKey: string) => void;
}

/** One step: what kind it is (icon and word), what it did, what came back, its cost; its raw trace on request. */
export const TraceStep = memo(function TraceStep({ step, number, stepKey, rawId, rawOpen, onToggleRaw }: TraceStepProps) {
  const meta = stepMeta(step);
  const intervened = guardrailIntervened(step);
  const alarming = step.kind === 'failure' || intervened;
  return (
    <li
      className={`trace-step trace-step--${step.kind}${intervened ? ' trace-step--intervened' : ''}${alarming ? ' trace-step--alarm' : ''}`}
      data-testid="trace-step"
      data-kind={step.kind}
      data-intervened={intervened || undefined}
    >
      <span className="trace-step__icon">
        <StepIcon step={step} />
      </span>
      <div className="trace-step__body">
        <p className="trace-step__head">
          <span className="trace-step__label">{stepLabel(step)}</span>
          <span className="visually-hidden">: </span>
          <span className="trace-step__title">{stepTitle(step)}</span>
        </p>
        {step.result && <p className="trace-step__result">{step.result}</p>}
        {meta && <p className="trace-step__meta">{meta}</p>}
        {step.raw.length > 0 && (
          <button
            type="button"
            className="trace-step__raw-toggle"
            aria-expanded={rawOpen}
            aria-controls={rawOpen ? rawId : undefined}
            onClick={() => onToggleRaw(stepKey)}
          >
            {rawOpen ? 'Hide the raw trace' : 'Show the raw trace'}
            <span className="visually-hidden"> of step {number}</span>
          </button>
        )}
        {rawOpen && <RawTrace id={rawId} raw={step.raw} number={number} />}
      </div>
    </li>
  );
});

export interface TraceTimelineViewProps {
  id: string;
  steps: readonly AgentTraceStep[];
  streaming: boolean;
  open: boolean;
  onToggle: () => void;
  /** The keys of the steps whose raw trace is shown. */
  rawOpen: ReadonlySet<string>;
  onToggleRaw: (stepKey: string) => void;
}

/** Steps are only ever added, so a step's place and id name it for good. */
const stepKey = (step: AgentTraceStep, index: number) => `${index}:${step.id}`;

/** The timeline as it shows for the state it is given (the disclosures' state is kept by TraceTimeline). */
export function TraceTimelineView({ id, steps, streaming, open, onToggle, rawOpen, onToggleRaw }: TraceTimelineViewProps) {
  const latest = steps.at(-1);
  const listId = `${id}-steps`;
  return (
    <div className="trace" data-testid="trace">
      <button
        type="button"
        className="trace__toggle"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={onToggle}
        data-testid="trace-toggle"
      >
        <ChevronIcon className="trace__chevron" />
        {traceToggleText(steps.length, open)}
      </button>
      {!open && streaming && latest && (
        <p className="trace__now">
          <span className="visually-hidden">Latest step: </span>
          {latest.title}
        </p>
      )}
      {open && (
        <ol id={listId} className="trace__steps" aria-label="What the agent did">
          {steps.map((step, index) => {
            const key = stepKey(step, index);
            return (
              <TraceStep
                key={key}
                step={step}
                number={index + 1}
                stepKey={key}
                rawId={`${id}-raw-${index}`}
                rawOpen={rawOpen.has(key)}
                onToggleRaw={onToggleRaw}
              />
            );
          })}
        </ol>
      )}
    </div>
  );
}

const NONE: ReadonlySet<string> = new Set();

/** The timeline of an agent's answer, folded away until opened. */
export const TraceTimeline = memo(function TraceTimeline({ steps, streaming }: { steps: readonly AgentTraceStep[]; streaming: boolean }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [rawOpen, setRawOpen] = useState(NONE);
  const onToggle = useCallback(() => setOpen((was) => !was), []);
  const onToggleRaw = useCallback(
    (key: string) =>
      setRawOpen((was) => {
        const next = new Set(was);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  return <TraceTimelineView id={id} steps={steps} streaming={streaming} open={open} onToggle={onToggle} rawOpen={rawOpen} onToggleRaw={onToggleRaw} />;
});
