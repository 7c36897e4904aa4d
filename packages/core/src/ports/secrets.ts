/**
 * Encryption of env var values (AES-256-GCM with a master key outside the database locally,
 * Secrets Manager / KMS on AWS). Ciphertexts name the key that made them so rotation can
 * re-encrypt in place and old ciphertexts keep decrypting until it has.
 */
export interface Secrets {
  readonly name: string;
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
  /** Id of the key new ciphertexts are made with. */
  currentKeyId(): string;
}
