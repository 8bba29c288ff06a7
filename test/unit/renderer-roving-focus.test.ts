import { describe, expect, it } from 'vitest';
import { focusAfterRemoval, movedIndex, tabbableId } from '../../renderer/src/shared/roving-focus';

const ids = ['a', 'b', 'c'];

describe('the list’s one Tab stop', () => {
  it('is the entry focused last, so Tab brings people back where they were', () => {
    expect(tabbableId(ids, 'c', 'b')).toBe('c');
  });

  it('is the open conversation when nothing in the list was focused yet', () => {
    expect(tabbableId(ids, null, 'b')).toBe('b');
  });

  it('is the first entry when none is open, or the ones remembered are gone', () => {
    expect(tabbableId(ids, null, null)).toBe('a');
    expect(tabbableId(ids, 'gone', 'also-gone')).toBe('a');
  });

  it('does not exist for an empty list', () => {
    expect(tabbableId([], 'a', 'a')).toBeNull();
  });
});

describe('moving with the keys', () => {
  it('goes down and up one entry with the arrows', () => {
    expect(movedIndex(3, 0, 'ArrowDown')).toBe(1);
    expect(movedIndex(3, 2, 'ArrowUp')).toBe(1);
  });

  it('jumps to the first and last entry with Home and End', () => {
    expect(movedIndex(3, 1, 'Home')).toBe(0);
    expect(movedIndex(3, 1, 'End')).toBe(2);
  });

  it('stops at the ends of a list', () => {
    expect(movedIndex(3, 2, 'ArrowDown')).toBe(2);
    expect(movedIndex(3, 0, 'ArrowUp')).toBe(0);
  });

  it('wraps around in a menu', () => {
    expect(movedIndex(2, 1, 'ArrowDown', true)).toBe(0);
    expect(movedIndex(2, 0, 'ArrowUp', true)).toBe(1);
  });

  it('starts a menu from its ends when nothing in it is focused yet', () => {
    expect(movedIndex(2, -1, 'ArrowDown', true)).toBe(0);
    expect(movedIndex(2, -1, 'ArrowUp', true)).toBe(1);
  });

  it('leaves other keys, and empty lists, alone', () => {
    expect(movedIndex(3, 1, 'Enter')).toBeNull();
    expect(movedIndex(3, 1, 'ArrowLeft')).toBeNull();
    expect(movedIndex(0, 0, 'ArrowDown')).toBeNull();
  });
});

describe('focus after deleting an entry', () => {
  it('moves to the entry that takes its place', () => {
    expect(focusAfterRemoval(ids, 'b')).toBe('c');
  });

  it('moves to the one before when the last entry goes', () => {
    expect(focusAfterRemoval(ids, 'c')).toBe('b');
  });

  it('has nowhere to go in the list when the only entry goes', () => {
    expect(focusAfterRemoval(['a'], 'a')).toBeNull();
    expect(focusAfterRemoval(ids, 'unknown')).toBeNull();
  });
});
