/**
 * Model answers as Markdown, rendered from marked's tokens to React elements
 * (never as HTML strings): raw HTML in an answer shows as text, links
 * (http, https and mailto only) open in the system browser through main's
 * allow-list, code is highlighted by lowlight's syntax tree. An agent's
 * answer carries markers for its numbered references (agents/citations.ts):
 * drawn as buttons in its text, dropped from code and addresses.
 */
import { createContext, memo, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Token, Tokens } from 'marked';
import { CitationRefs, CitedString, InsideLink } from '../agents/CitationRefs';
import { MARK_CLOSE, MARK_OPEN, marksIn, stripMarks } from '../agents/citations';
import { CopyButton } from '../shared/CopyButton';
import { GrowingCode } from './growing-code';
import { MarkdownStream, UNFINISHED_IMAGE, type AnswerStatus, type MarkdownBlock } from './markdown-blocks';

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

function highestHeadingDepth(...lists: ReadonlyArray<readonly MarkdownBlock[]>): number | undefined {
  const depths = lists.flatMap((blocks) => blocks.flatMap(({ token }) => (token.type === 'heading' ? [(token as Tokens.Heading).depth] : [])));
  return depths.length ? Math.min(...depths) : undefined;
}

/** Plain text as it shows: references drawn where an agent's answer has them. */
function plain(text: string): ReactNode {
  return text.includes(MARK_OPEN) || text.includes(MARK_CLOSE) ? <CitedString text={text} /> : text;
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
      return <code className="md-code">{stripMarks((token as Tokens.Codespan).text)}</code>;
    case 'br':
      return <br />;
    case 'link': {
      const link = token as Tokens.Link;
      const href = openableHref(stripMarks(link.href));
      // References in the link's text follow the link: a button cannot go inside it.
      const refs = marksIn(link.raw);
      // Without an address the link's text still looks like a link, but does nothing.
      const anchor = !href ? (
        <a>
          <Inline tokens={link.tokens} onLink={onLink} />
        </a>
      ) : (
        <a
          href={href}
          title={link.title ? stripMarks(decode(link.title)) : href}
          onClick={(event) => {
            event.preventDefault();
            onLink(href);
          }}
          // Middle-click would open a window of its own: never navigate from an answer.
          onAuxClick={(event) => event.preventDefault()}
        >
          <Inline tokens={link.tokens} onLink={onLink} />
        </a>
      );
      if (refs.length === 0) return anchor;
      return (
        <>
          <InsideLink.Provider value={true}>{anchor}</InsideLink.Provider>
          <CitationRefs numbers={refs} />
        </>
      );
    }
    case 'image': {
      // Images are not fetched (the page may not load anything from outside): show the alt text and address.
      const image = token as Tokens.Image;
      const alt = stripMarks(decode(image.text)) || 'image';
      return <span className="md-image">{image.href === UNFINISHED_IMAGE ? `[${alt}]` : `[${alt}: ${stripMarks(decode(image.href))}]`}</span>;
    }
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? <Inline tokens={text.tokens} onLink={onLink} /> : plain(decode(text.text));
    }
    case 'checkbox': {
      // A task list item's box: it shows the state, an answer cannot be edited.
      const { checked } = token as Tokens.Checkbox;
      return (
        <>
          <input type="checkbox" checked={checked} disabled aria-label={checked ? 'Done' : 'Not done'} />{' '}
        </>
      );
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    default:
      return 'raw' in token ? plain(token.raw) : null;
  }
}

/**
 * Named character references an answer is likely to use. Any other name stays
 * as written: decoding them all would take the whole HTML table (2,000 names).
 */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  bull: '•', middot: '·', deg: '°', plusmn: '±', times: '×', divide: '÷', minus: '−', le: '≤', ge: '≥', ne: '≠',
  asymp: '≈', infin: '∞', larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', rArr: '⇒', lArr: '⇐',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', frac12: '½', frac14: '¼', frac34: '¾',
  micro: 'µ', check: '✓', shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c',
};

/**
 * marked leaves character references in text for an HTML page to decode; here
 * React writes text, so decode them, or "&copy;" would show as typed.
 */
function decode(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|(\w+));/g, (reference, decimal?: string, hex?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name] ?? reference;
    const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  });
}

/**
 * The address a link may carry: http:, https: and mailto: only (not javascript:,
 * data:, or remend's placeholder for an address still arriving), read as the
 * browser would read it (references decoded, tabs and leading spaces dropped),
 * so "jav&#x09;ascript:" is caught too. Main checks its allow-list when it is opened.
 */
export function openableHref(href: string): string | undefined {
  try {
    const url = new URL(decode(href));
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
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

/** Whether the element has come near the view: code off screen is not highlighted until then. */
function useSeen(): [boolean, RefObject<HTMLElement | null>] {
  const ref = useRef<HTMLElement>(null);
  // Without IntersectionObserver (server rendering in tests) everything counts as seen.
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
    }, { rootMargin: '600px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return [seen, ref];
}

/**
 * A block of code, highlighted once it comes into view; `growing`: still
 * arriving, highlighted a run of lines at a time. Each run is a block of its
 * own, so a new line lays out only itself, not every line above it.
 */
export function CodeBlock({ code, language, growing = false }: { code: string; language: string; growing?: boolean }) {
  const highlight = useHighlighter();
  const [seen, ref] = useSeen();
  const [stream] = useState(() => new GrowingCode<ReactNode>());
  // Seen while it grew: it ends as runs too (see GrowingCode).
  const inRuns = highlight && seen && (growing || stream.started);
  const whole = useMemo(
    () => (highlight && seen && !inRuns ? highlight(code, language) : null),
    [highlight, seen, inRuns, code, language],
  );
  let highlighted: ReactNode = whole ?? code;
  if (inRuns) {
    const { runs, line } = stream.update(code, (lines) => highlight(lines, language), !growing);
    highlighted = (
      <>
        {runs.map((run, i) => (
          <span key={i} className="code-block__run">
            {run}
          </span>
        ))}
        {line && <span className="code-block__run code-block__run--growing">{line}</span>}
      </>
    );
  }
  return (
    <figure className="code-block" data-testid="code-block" data-language={language || 'text'} ref={ref}>
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

function BlockToken({ token, onLink, growing = false }: { token: Token; onLink: OpenLink; growing?: boolean }): ReactNode {
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
      return <CodeBlock code={stripMarks(code.text)} language={(code.lang ?? '').trim().split(/\s+/)[0] ?? ''} growing={growing} />;
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
          {item.tokens.map((child, j) =>
            child.type === 'text' || child.type === 'checkbox' ? (
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
      return <p>{text.tokens ? <Inline tokens={text.tokens} onLink={onLink} /> : plain(decode(text.text))}</p>;
    }
    default:
      // Raw HTML and anything unknown: shown as the text it is.
      return <p className="md-raw">{'raw' in token ? plain(token.raw) : ''}</p>;
  }
}

/**
 * One block. A finished block keeps its props (the same token object), so it
 * renders once; the growing one renders as it grows. Finished and growing
 * blocks are the same component in one list, so the block that finishes
 * keeps its elements (a code block keeps its highlighted runs).
 */
const Block = memo(function Block({ block, onLink, growing = false }: { block: MarkdownBlock; onLink: OpenLink; growing?: boolean }) {
  return <BlockToken token={block.token} onLink={onLink} growing={growing} />;
});

/**
 * An answer, streaming or not. While it arrives, finished blocks stay as
 * they are and only the growing one re-renders; when it ends, the same
 * elements stay on screen and only the last block is finished, so a long
 * answer does not render again from scratch. One that stopped part way
 * (`interrupted`) has its last block healed as while it arrived; a complete
 * one is shown exactly as written. `changedFrom`: where the text may first
 * differ from the last one, when the caller knows (see MarkdownStream.update).
 */
export function Markdown({
  text,
  onLink,
  status = 'complete',
  changedFrom,
}: {
  text: string;
  onLink: OpenLink;
  status?: AnswerStatus;
  changedFrom?: number;
}) {
  // One stream per message: it remembers where the finished blocks end.
  const [stream] = useState(() => new MarkdownStream());
  const { finished, tail } = stream.update(text, status, changedFrom);
  const streaming = status === 'streaming';
  // While it arrives the first heading sets the level (it never changes once seen); then the highest one.
  const base = (streaming ? (firstHeadingDepth(finished) ?? firstHeadingDepth(tail)) : highestHeadingDepth(finished, tail)) ?? 1;
  return (
    <HeadingBase.Provider value={base}>
      <div className="markdown">
        {finished.map((block) => (
          <Block key={block.key} block={block} onLink={onLink} />
        ))}
        {tail.map((block) => (
          <Block key={block.key} block={block} onLink={onLink} growing={streaming} />
        ))}
        {streaming && <span className="markdown__caret" aria-hidden="true" />}
      </div>
    </HeadingBase.Provider>
  );
}
