/** The model picker: the Region's chat models grouped by provider, with loading, error and empty states. */
import { useId } from 'react';
import { useModels } from '../app-stores';
import { findModel, modelLabel } from './chat-format';
import { catalogIsEmpty, isUnavailable } from './models-store';

interface ModelPickerProps {
  /** The chosen model id; '' when none is. */
  value: string;
  onChange: (modelId: string) => void;
  disabled?: boolean;
  /** What the picker is called beside it; "Model" unless it says more (the model that writes a knowledge base's answer). */
  label?: string;
}

export function ModelPicker({ value, onChange, disabled, label = 'Model' }: ModelPickerProps) {
  const catalog = useModels((s) => s.catalog);
  const loading = useModels((s) => s.loading);
  const error = useModels((s) => s.error);
  const load = useModels((s) => s.load);
  const id = useId();

  if (error) {
    return (
      <div className="model-picker model-picker--error" role="alert" data-testid="models-error">
        <span>Couldn't load the models. {error.message}</span>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={() => void load(true)}
          disabled={loading}
          data-testid="models-retry-button"
        >
          {loading ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    );
  }
  const empty = catalogIsEmpty(catalog);
  const known = findModel(catalog, value);
  return (
    <div className="model-picker">
      <label htmlFor={id} className="model-picker__label">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled || empty || (loading && !catalog)}
        aria-busy={loading}
        data-testid="model-picker"
      >
        {!value && <option value="">{loading ? 'Loading models…' : 'Choose a model'}</option>}
        {value && !known && <option value={value}>{loading ? 'Loading models…' : `${value} (not in this Region's list)`}</option>}
        {catalog?.groups.map((group) => (
          <optgroup key={group.provider} label={group.provider}>
            {group.models.map((model) => (
              <option key={model.id} value={model.id} data-unavailable={isUnavailable(catalog, model.id) || undefined}>
                {isUnavailable(catalog, model.id) ? `${modelLabel(model)} (not available to you)` : modelLabel(model)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {value && isUnavailable(catalog, value) && (
        <p className="model-picker__note" data-testid="model-unavailable">
          Your company account isn't allowed to use this model. Pick another one, or ask IT for access.
        </p>
      )}
      {empty && catalog && (
        <p className="model-picker__empty">
          No chat models are enabled for you in {catalog.region}. Ask IT to turn on model access in Amazon Bedrock.
        </p>
      )}
    </div>
  );
}
