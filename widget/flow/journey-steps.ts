/**
 * The steps of the journey and which fields each form step asks for, from the sale's configuration:
 * a step whose fields the sale does not collect is left out, so the progress indicator counts only what
 * the investor will actually see.
 */
import type { KycField } from '../../proxy/contract/kyc-fields.js';

/** Every step the element can show. */
export type StepId = 'email' | 'code' | 'personal' | 'address' | 'documents' | 'wallet' | 'review' | 'status';

/** The form steps, in order, with the fields each may hold. */
export const FORM_STEP_FIELDS = {
  personal: ['firstName', 'lastName', 'birthdate', 'nationality', 'documentIdNumber'],
  address: ['country', 'streetAddress', 'city', 'state', 'postalCode'],
  documents: ['documentIdFile', 'selfieFile', 'residenceProofFile', 'investorProofFiles'],
  wallet: ['ethereumAddress', 'estimatedParticipationAmount'],
} as const satisfies Record<string, readonly KycField[]>;

/** A step of the KYC form proper (between sign-in and review). */
export type FormStepId = keyof typeof FORM_STEP_FIELDS;

const FORM_STEPS = Object.keys(FORM_STEP_FIELDS) as FormStepId[];

/** The fields of `step` that the sale collects, in form order. */
export function fieldsOfStep(step: FormStepId, collected: readonly KycField[]): KycField[] {
  return (FORM_STEP_FIELDS[step] as readonly KycField[]).filter((field) => collected.includes(field));
}

/** The form steps this sale shows, in order. */
export function formSteps(collected: readonly KycField[]): FormStepId[] {
  return FORM_STEPS.filter((step) => fieldsOfStep(step, collected).length > 0);
}

/** The form step that asks for `field`. */
export function stepOfField(field: KycField): FormStepId {
  return FORM_STEPS.find((step) => (FORM_STEP_FIELDS[step] as readonly KycField[]).includes(field)) ?? 'personal';
}

/** Whether `step` is one of the form steps. */
export function isFormStep(step: StepId): step is FormStepId {
  return (FORM_STEPS as StepId[]).includes(step);
}

/**
 * Where the investor is in the form, for the progress indicator: the form steps plus review, counted
 * from 1. Sign-in and status are outside the count.
 */
export function stepProgress(step: StepId, collected: readonly KycField[]): { index: number; total: number } | undefined {
  const counted: StepId[] = [...formSteps(collected), 'review'];
  const index = counted.indexOf(step);
  return index === -1 ? undefined : { index: index + 1, total: counted.length };
}
