/**
 * When a submitted Ethereum address must be proven by its owner's signature: shared by the widget (the
 * wallet step's pass rule) and the proxy (the check at submit), so the two never disagree.
 */

/** The part of a sale's wallet settings the rule reads. */
export interface WalletProofPolicy {
  proof: 'off' | 'optional' | 'required';
  allowTypedAddress: boolean;
}

/**
 * True when an unproven address is refused: the sale requires proof, or it takes proofs and lets no
 * address be typed (a direct call must not get around the widget offering only the wallet).
 */
export function walletProofNeeded(policy: WalletProofPolicy): boolean {
  return policy.proof === 'required' || (policy.proof === 'optional' && !policy.allowTypedAddress);
}
