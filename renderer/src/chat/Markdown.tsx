/**
 * Model answers as Markdown, rendered from marked's tokens to React elements
 * (never as HTML strings): raw HTML in an answer shows as text, links open
 * in the system browser through main's allow-list, code is highlighted by
 * lowlight's syntax tree.
 */
import { createContext, memo, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Token, Tokens } from 'marked';
import { CopyButton } from '../shared/CopyButton';
import { MarkdownStream, markdownBlocks, type MarkdownBlock } from './markdown-blocks';

export type OpenLink = (href: string) => void;

/**
 * The Markdown heading depth that becomes an h3 (each message has a hidden h2,
 * under the conversation's h1), so the page's headings never skip a level.
 */
const HeadingBase = createContext(1);

function firstHeadingDepth(blocks: readonly MarkdownBlock[]): number | undefined {
  for (const { token } of blocks) if (token.type === 'heading') return (token as Tokens.Heading).depth;
  return undefined;
}

function Inline({ tokens, onLink }: { tokens: Token[] | undefined; onLink: OpenLink }): ReactNode {
  if (!tokens) return null;
  return tokens.map((token, i) => <InlineToken key={i} token={token} onLink={onLink} />);
}

function InlineToken({ token, onLink }: { token: Token; onLink: OpenLink }): ReactNode {
  switch (token.type) {
    case 'strong':
      return (
        <strong>
          <Inline tokens={(token as Tokens.Strong).tokens} onLink={onLink} />
        </strong>
      );
    case 'em':
      return (
        <em>
          <Inline tokens={(token as Tokens.Em).tokens} onLink={onLink} />
        </em>
      );
    case 'del':
      return (
        <del>
          <Inline tokens={(token as Tokens.Del).tokens} onLink={onLink} />
        </del>
      );
    case 'codespan':
      return <code className="md-code">{(token as Tokens.Codespan).text}</code>;
    case 'br':
      return <br />;
    case 'link': {
      const link = token as Tokens.Link;
      return (
        <a
          href={link.href}
          title={link.title ?? link.href}
          onClick={(event) => {
            event.preventDefault();
            onLink(link.href);
          }}
          // Middle-click would open a window of its own: never navigate from an answer.
          onAuxClick={(event) => event.preventDefault()}
        >
          <Inline tokens={link.tokens} onLink={onLink} />
        </a>
      );
    }
    case 'image': {
      // Images are not fetched (the page may not load anything from outside): show the alt text and address.
      const image = token as Tokens.Image;
      return <span className="md-image">[{image.text || 'image'}: {image.href}]</span>;
    }
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? <Inline tokens={text.tokens} onLink={onLink} /> : decode(text.text);
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    default:
      return 'raw' in token ? token.raw : null;
  }
}

/** marked escapes &, <, > and quotes in text tokens; React escapes again, so undo marked's. */
function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) =>
    entity === 'amp' ? '&' : entity === 'lt' ? '<' : entity === 'gt' ? '>' : entity === 'quot' ? '"' : "'",
  );
}

type Highlight = (code: string, language: string) => ReactNode;
/** The highlighter and its grammars load on first use, so they don't slow the window's start. */
let highlighter: Highlight | undefined;
const loading = import('./highlight').then((module) => {
  highlighter = module.highlight;
  return module.highlight;
});

function useHighlighter(): Highlight | undefined {
  const [loaded, setLoaded] = useState(() => highlighter);
  useEffect(() => {
    if (!loaded) void loading.then((fn) => setLoaded(() => fn));
  }, [loaded]);
  return loaded;
}

export function CodeBlock({ code, language }: { code: string; language: string }) {
  const highlight = useHighlighter();
  const highlighted = useMemo(() => (highlight ? highlight(code, language) : code), [highlight, code, language]);
  return (
    <figure className="code-block" data-testid="code-block" data-language={language || 'text'}>
      <figcaption className="code-block__bar">
        <span className="code-block__language">{language || 'text'}</span>
        <CopyButton text={code} label={`Copy ${language || 'code'}`} testId="copy-code-button" />
      </figcaption>
      <pre className="code-block__pre" tabIndex={0}>
        <code className={`hljs${language ? ` language-${language}` : ''}`}>{highlighted}</code>
      </pre>
    </figure>
  );
}

function Heading({ heading, onLink }: { heading: Tokens.Heading; onLink: OpenLink }) {
  const base = useContext(HeadingBase);
  const Tag = `h${Math.max(3, Math.min(6, 3 + heading.depth - base))}` as 'h3';
  return (
    <Tag className="md-heading">
      <Inline tokens={heading.tokens} onLink={onLink} />
    </Tag>
  );
}

function BlockToken({ token, onLink }: { token: Token; onLink: OpenLink }): ReactNode {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      return <Heading heading={heading} onLink={onLink} />;
    }
    case 'paragraph':
      return (
        <p>
          <Inline tokens={(token as Tokens.Paragraph).tokens} onLink={onLink} />
        </p>
      );
    case 'code': {
      const code = token as Tokens.Code;
      return <CodeBlock code={code.text} language={(code.lang ?? '').trim().split(/\s+/)[0] ?? ''} />;
    }
    case 'blockquote':
      return (
        <blockquote>
          {(token as Tokens.Blockquote).tokens.map((child, i) => (
            <BlockToken key={i} token={child} onLink={onLink} />
          ))}
        </blockquote>
      );
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item, i) => (
        <li key={i}>
          {item.task && <input type="checkbox" checked={item.checked ?? false} readOnly aria-label={item.checked ? 'Done' : 'Not done'} />}
          {item.tokens.map((child, j) =>
            child.type === 'text' ? (
              <InlineToken key={j} token={child} onLink={onLink} />
            ) : (
              <BlockToken key={j} token={child} onLink={onLink} />
            ),
          )}
        </li>
      ));
      return list.ordered ? <ol start={typeof list.start === 'number' ? list.start : undefined}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'table': {
      const table = token as Tokens.Table;
      const align = (i: number) => table.align[i] ?? undefined;
      return (
        <div className="md-table" tabIndex={0} role="region" aria-label="Table">
          <table>
            <thead>
              <tr>
                {table.header.map((cell, i) => (
                  <th key={i} style={align(i) ? { textAlign: align(i)! } : undefined}>
                    <Inline tokens={cell.tokens} onLink={onLink} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} style={align(i) ? { textAlign: align(i)! } : undefined}>
                      <Inline tokens={cell.tokens} onLink={onLink} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case 'hr':
      return <hr />;
    case 'space':
    case 'def':
      return null;
    case 'text': {
      const text = token as Tokens.Text;
      return <p>{text.tokens ? <Inline tokens={text.tokens} onLink={onLink} /> : decode(text.text)}</p>;
    }
    default:
      // Raw HTML and anything unknown: shown as the text it is.
      return <p className="md-raw">{'raw' in token ? token.raw : ''}</p>;
  }
}

/** One block; its props never change once the block is finished, so it renders once. */
const Block = memo(function Block({ block, onLink }: { block: MarkdownBlock; onLink: OpenLink }) {
  return <BlockToken token={block.token} onLink={onLink} />;
});

/** A finished answer. */
export function Markdown({ text, onLink }: { text: string; onLink: OpenLink }) {
  const blocks = useMemo(() => markdownBlocks(text), [text]);
  const base = useMemo(() => {
    const depths = blocks.filter((b) => b.token.type === 'heading').map((b) => (b.token as Tokens.Heading).depth);
    return depths.length ? Math.min(...depths) : 1;
  }, [blocks]);
  return (
    <HeadingBase.Provider value={base}>
      <div className="markdown">
        {blocks.map((block) => (
          <Block key={block.key} block={block} onLink={onLink} />
        ))}
      </div>
    </HeadingBase.Provider>
  );
}

/** The finished blocks of a streaming answer: re-rendered only when one more block has finished. */
const FinishedBlocks = memo(
  function FinishedBlocks({ blocks, onLink }: { blocks: readonly MarkdownBlock[]; count: number; onLink: OpenLink }) {
    return blocks.map((block) => <Block key={block.key} block={block} onLink={onLink} />);
  },
  (before, after) => before.count === after.count && before.onLink === after.onLink,
);

/** An answer still arriving: finished blocks stay as they are, only the growing one re-renders. */
export function StreamingMarkdown({ text, onLink }: { text: string; onLink: OpenLink }) {
  // One stream per message: it remembers where the finished blocks end.
  const [stream] = useState(() => new MarkdownStream());
  const { finished, tail } = stream.update(text);
  // The first heading of the answer sets the level; it never changes once seen.
  const base = firstHeadingDepth(finished) ?? firstHeadingDepth(tail) ?? 1;
  return (
    <HeadingBase.Provider value={base}>
      <div className="markdown">
        <FinishedBlocks blocks={finished} count={finished.length} onLink={onLink} />
        {tail.map((block) => (
          <BlockToken key={block.key} token={block.token} onLink={onLink} />
        ))}
        <span className="markdown__caret" aria-hidden="true" />
      </div>
    </HeadingBase.Provider>
  );
}
