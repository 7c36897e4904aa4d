import type { DomainChallenge } from "../domain/model.ts";

/** Where the issuer publishes the HTTP-01 answer while the CA checks it (the edge serves it). */
export interface ChallengePublisher {
  publish(hostname: string, challenge: DomainChallenge): Promise<void>;
  withdraw(hostname: string): Promise<void>;
}

export interface IssuedCertificate {
  /** Chain, leaf first. */
  certPem: string;
  /** PEM private key, in plaintext: the caller encrypts it before it is stored. */
  keyPem: string;
  notAfter: Date;
}

/**
 * Gets certificates from a CA (ACME locally: Let's Encrypt, tested against Pebble; ACM on AWS).
 * Throws with a readable message when the CA refuses: the caller records it as the reason.
 */
export interface CertificateIssuer {
  readonly name: string;
  issue(hostname: string, challenges: ChallengePublisher): Promise<IssuedCertificate>;
}
