/**
 * EIP-191 version 0x45 ("personal_sign"): the hash a wallet signs for a text message
 * (`keccak256("\x19Ethereum Signed Message:\n" + byte length + message)`), and the account that signed
 * it, recovered from the secp256k1 signature. viem does the cryptography; it is imported on first use.
 */

/** The EIP-191 hash of `message` (UTF-8), `0x` hex: what `personal_sign` signs and EIP-1271 wallets are asked about. */
export async function personalMessageHash(message: string): Promise<`0x${string}`> {
  const { hashMessage } = await import('viem');
  return hashMessage(message);
}

/**
 * The EIP-55 address whose key made `signature` (65 bytes `r‖s‖v`, v 27/28 or 0/1, as `personal_sign`
 * returns it) over `message`, or undefined when it is not a valid secp256k1 signature of that length.
 */
export async function recoverPersonalSigner(message: string, signature: `0x${string}`): Promise<string | undefined> {
  if (signature.length !== 132) return undefined;
  const { recoverMessageAddress } = await import('viem');
  try {
    return await recoverMessageAddress({ message, signature });
  } catch {
    // r or s out of range, a bad recovery id, a point not on the curve.
    return undefined;
  }
}
