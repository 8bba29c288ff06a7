import { useSettings } from '../app-stores';

/** The company name from settings, or null until settings load (or when it is blank). */
export function useCompanyName(): string | null {
  return useSettings((state) => state.view?.values.companyName.trim() || null);
}
