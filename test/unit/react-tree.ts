/**
 * Reading what a component returned, as renderer tests do without a DOM: the
 * elements of a tree (as returned, not rendered), and the text a reader sees
 * in rendered markup.
 */
import { isValidElement, type ReactElement, type ReactNode } from 'react';

export type Element = ReactElement<Record<string, unknown>>;

/** The elements (as a component returned them, not rendered) that `match`. */
export function findAll(node: ReactNode, match: (element: Element) => boolean, found: Element[] = []): Element[] {
  if (Array.isArray(node)) for (const child of node) findAll(child as ReactNode, match, found);
  else if (isValidElement<Record<string, unknown>>(node)) {
    if (match(node)) found.push(node);
    findAll(node.props.children as ReactNode, match, found);
  }
  return found;
}

/** The element whose data-testid is `testId`. */
export function find(node: ReactNode, testId: string): Element {
  const [element] = findAll(node, (e) => e.props['data-testid'] === testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

/** The text a reader sees in `markup`. */
export const visibleText = (markup: string) =>
  markup.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|#x27|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#x27': "'", amp: '&' })[name]!);
