/**
 * "Test connection" in the session details: who AWS says the person is,
 * which models they may use, and one short question, each step in words.
 */
import { useState } from 'react';
import type { AppError, ConnectionTest } from '../../../preload/contract';
import { useSession } from '../app-stores';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { AlertIcon, CheckIcon } from '../shared/icons';

type TestState = { kind: 'idle' } | { kind: 'testing' } | { kind: 'done'; test: ConnectionTest } | { kind: 'failed'; error: AppError };

export function ConnectionTestPanel() {
  const testConnection = useSession((state) => state.testConnection);
  const [state, setState] = useState<TestState>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'testing' });
    const result = await testConnection();
    setState(result.ok ? { kind: 'done', test: result.value } : { kind: 'failed', error: result.error });
  };
  const passed = state.kind === 'done' && state.test.steps.every((step) => step.state === 'passed');
  return (
    <div className="connection-test" data-testid="connection-test">
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={() => void run()}
        disabled={state.kind === 'testing'}
        data-testid="test-connection-button"
      >
        {state.kind === 'testing' ? 'Testing…' : 'Test connection'}
      </button>
      <p className="visually-hidden" role="status">
        {state.kind === 'testing' ? 'Testing the connection…' : state.kind === 'done' ? (passed ? 'Everything works.' : 'A step did not work.') : ''}
      </p>
      {state.kind === 'failed' && (
        <div className="connection-test__error">
          <ErrorExplanation error={state.error} />
        </div>
      )}
      {state.kind === 'done' && (
        <ol className="connection-test__steps" aria-label="Connection test">
          {state.test.steps.map((step) => (
            <li key={step.id} className={`connection-test__step connection-test__step--${step.state}`} data-testid="connection-test-step" data-state={step.state}>
              {step.state === 'passed' ? (
                <CheckIcon className="connection-test__icon" />
              ) : step.state === 'failed' ? (
                <AlertIcon className="connection-test__icon" />
              ) : (
                <span className="connection-test__icon" aria-hidden="true" />
              )}
              <div>
                <p className="connection-test__title">{step.title}</p>
                {step.error ? <ErrorExplanation error={step.error} /> : <p className="connection-test__message">{step.message}</p>}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
