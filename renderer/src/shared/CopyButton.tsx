/** Copies a piece of text (an ARN, an id) and says whether it worked. */
import { useState } from 'react';
import { CheckIcon } from './icons';

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="button button--small button--secondary" onClick={() => void copy()} aria-label={label} data-testid={testId}>
        {state === 'copied' ? (
          <>
            <CheckIcon /> Copied
          </>
        ) : (
          'Copy'
        )}
      </button>
      <span className="copy__status" role="status">
        {state === 'failed' ? "Couldn't copy. Select the text and copy it instead." : ''}
      </span>
    </span>
  );
}
