import argon2 from 'argon2';

/** Hashes and checks secrets (passwords, PINs); injected so tests can use cheap parameters. */
export type PasswordHasher = { hash(password: string): Promise<string>; verify(hash: string, password: string): Promise<boolean> };

export type Argon2Options = { memoryCost?: number; timeCost?: number; parallelism?: number };

/** argon2id; without options it uses argon2's defaults, which production relies on for passwords. */
export function argon2Hasher(opts: Argon2Options = {}): PasswordHasher {
  return {
    hash: (password) => argon2.hash(password, { ...opts, type: argon2.argon2id }),
    // A malformed or foreign hash is a failed check, never an error.
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
  };
}

/** Real argon2id at minimal cost, for tests: the production cost times out on a loaded CI machine. */
export const lightHasher = (): PasswordHasher => argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
