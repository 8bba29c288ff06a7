/** A link for keyboard users that is hidden until it is focused, and jumps past everything before its target. */
import type { MouseEvent, ReactNode } from 'react';
import './SkipLink.css';

interface SkipLinkProps {
  /** The id of the element it jumps to (for the href, so it reads as a link within the page). */
  targetId: string;
  /** Moves focus to the target. */
  onSkip: () => void;
  children: ReactNode;
}

/** "Skip to …": the first Tab stop, visible only while focused. */
export function SkipLink({ targetId, onSkip, children }: SkipLinkProps) {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    // Focus the target ourselves: following the link would also change the page's address.
    event.preventDefault();
    onSkip();
  };
  return (
    <a className="skip-link" href={`#${targetId}`} onClick={skip} data-testid="skip-link">
      {children}
    </a>
  );
}
