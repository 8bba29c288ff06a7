/**
 * The baseline the benchmark compares Strata with: a page that re-renders
 * the whole answer with react-markdown + remark-gfm on every chunk, the way
 * a first attempt at a chat window does.
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

interface BenchWindow {
  __strataBench?: { received(channel: string, payload: unknown, at: number): void };
  __naiveStart?: () => void;
}
const bench = window as BenchWindow;

function Answer() {
  const [text, setText] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => {
    bench.__naiveStart = () => {
      const events = new EventSource('/stream');
      events.addEventListener('text', (event: MessageEvent<string>) => {
        const chunk = JSON.parse(event.data) as { offset: number; delta: string };
        bench.__strataBench?.received('chat:event', { type: 'text', ...chunk }, performance.now());
        setText((previous) => previous + chunk.delta);
      });
      events.addEventListener('done', () => {
        events.close();
        setDone(true);
      });
    };
  }, []);
  return (
    <article data-testid="message" data-role="assistant" data-status={done ? 'complete' : 'streaming'}>
      <div data-testid="message-text">
        <Markdown remarkPlugins={[remarkGfm]}>{text}</Markdown>
      </div>
    </article>
  );
}

createRoot(document.getElementById('root')!).render(<Answer />);
