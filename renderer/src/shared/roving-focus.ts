/**
 * Roving focus: a list that is one Tab stop, inside which the arrow keys,
 * Home and End move. The pure part, apart from React and the DOM.
 */

/** The entry that takes the list's one Tab stop: the last one focused, else the selected one, else the first. */
export function tabbableId(ids: readonly string[], lastFocusedId: string | null, selectedId: string | null): string | null {
  if (lastFocusedId !== null && ids.includes(lastFocusedId)) return lastFocusedId;
  if (selectedId !== null && ids.includes(selectedId)) return selectedId;
  return ids[0] ?? null;
}

/**
 * Where focus goes from `index` when `key` is pressed in a list of `count`
 * entries; null when the key does not move focus. Lists stop at their ends;
 * menus wrap around, as people expect of each.
 */
export function movedIndex(count: number, index: number, key: string, wrap = false): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return index < count - 1 ? index + 1 : wrap ? 0 : count - 1;
    case 'ArrowUp':
      return index > 0 ? index - 1 : wrap ? count - 1 : 0;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** The entry to focus once `removedId` is gone: the next one, else the one before, else none. */
export function focusAfterRemoval(ids: readonly string[], removedId: string): string | null {
  const index = ids.indexOf(removedId);
  if (index === -1) return null;
  return ids[index + 1] ?? ids[index - 1] ?? null;
}
