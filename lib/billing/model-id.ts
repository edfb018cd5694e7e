import { type ModelConfig, simulatedModelId } from '../config';

/** The id the ledger and the price list know the configured model by. */
export function billingModelId(model: ModelConfig): string {
  switch (model.kind) {
    case 'simulated':
      return simulatedModelId;
    case 'router':
      return model.id;
    case 'openai-compatible':
      return model.modelId;
  }
}
