/** Syntax highlighting from lowlight's syntax tree to React elements (no HTML strings). */
import type { ReactNode } from 'react';
import { common, createLowlight } from 'lowlight';

const lowlight = createLowlight(common);
const ALIASES: Record<string, string> = { ts: 'typescript', js: 'javascript', sh: 'bash', shell: 'bash', py: 'python', yml: 'yaml' };

interface HastText {
  type: 'text';
  value: string;
}
interface HastElement {
  type: 'element';
  tagName: string;
  properties?: { className?: unknown };
  children: HastNode[];
}
type HastNode = HastText | HastElement | { type: string };

function toReact(nodes: HastNode[], prefix = ''): ReactNode[] {
  return nodes.map((node, i) => {
    if (node.type === 'text') return (node as HastText).value;
    if (node.type !== 'element') return null;
    const element = node as HastElement;
    const className = Array.isArray(element.properties?.className) ? element.properties.className.join(' ') : undefined;
    return (
      <span key={`${prefix}${i}`} className={className}>
        {toReact(element.children, `${prefix}${i}.`)}
      </span>
    );
  });
}

/** The code as highlighted spans; plain text for languages lowlight doesn't know. */
export function highlight(code: string, language: string): ReactNode {
  const name = ALIASES[language.toLowerCase()] ?? language.toLowerCase();
  if (!name || !lowlight.registered(name)) return code;
  try {
    return toReact(lowlight.highlight(name, code).children as HastNode[]);
  } catch {
    return code;
  }
}
