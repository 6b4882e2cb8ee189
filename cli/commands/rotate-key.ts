import { generateFernetKey } from "../../core/crypto/fernet.ts";
import { fernetFromConfig } from "../../core/crypto/fernet-key.ts";
import { DecryptionError } from "../../core/crypto/sealed-value.ts";
import { allStoredConnections, storeSealedConnectionSecrets } from "../../core/store/queries/connections.ts";
import { allStoredVariables, storeSealedVariable } from "../../core/store/queries/variables.ts";
import { recordCliEvent } from "../cli-audit.ts";
import type { Command } from "../command.ts";
import { withDatabase } from "../with-database.ts";

/**
 * `updraft rotate-key`: re-encrypts every connection password, extra and variable with the first key of
 * UPDRAFT_FERNET_KEY (Airflow's `rotate-fernet-key`). Rotation: set `new,old`, run this, then drop `old`. Values stored
 * in clear (written before any key was set) are encrypted too. One transaction: a value no key can decrypt stops it
 * with nothing changed.
 */
export const rotateKey: Command = {
  group: "rotate-key",
  verb: "",
  summary: "Re-encrypt connections and variables with the first key of UPDRAFT_FERNET_KEY (--generate prints a new key)",
  args: "",
  options: { generate: { type: "boolean", default: false } },
  optionHelp: { generate: "--generate             print a new Fernet key and exit (put it first in UPDRAFT_FERNET_KEY)" },
  async run(_args, values, io) {
    if (values.generate === true) {
      io.out(generateFernetKey());
      return 0;
    }
    const fernet = fernetFromConfig();
    if (!fernet) {
      io.err("updraft rotate-key: UPDRAFT_FERNET_KEY is not set. Set it to \"<new key>,<old key>\" (a new key: updraft rotate-key --generate) and run this again.");
      return 1;
    }
    return withDatabase("updraft rotate-key", async (db) => {
      const counts = await db.transaction(async (tx) => {
        const reseal = (value: string | null, encrypted: boolean, what: string): string | null => {
          if (value === null || value === "") return value;
          try {
            return encrypted ? fernet.rotate(value) : fernet.encrypt(value);
          } catch {
            throw new DecryptionError(`${what} cannot be decrypted with any key in UPDRAFT_FERNET_KEY: add the key it was written with after a comma. Nothing was changed.`);
          }
        };
        const connections = await allStoredConnections(tx);
        for (const c of connections) {
          await storeSealedConnectionSecrets(tx, {
            ...c,
            password: reseal(c.password, c.is_encrypted, `Connection "${c.conn_id}"'s password`),
            extra: reseal(c.extra, c.is_extra_encrypted, `Connection "${c.conn_id}"'s extra`),
            is_encrypted: Boolean(c.password),
            is_extra_encrypted: Boolean(c.extra),
          });
        }
        const variables = await allStoredVariables(tx);
        for (const v of variables) {
          await storeSealedVariable(tx, { ...v, val: reseal(v.val, v.is_encrypted, `Variable "${v.key}"`) ?? "", is_encrypted: v.val !== "" });
        }
        await recordCliEvent(tx, "cli_rotate_fernet_key", { connections: connections.length, variables: variables.length });
        return { connections: connections.length, variables: variables.length };
      });
      io.out(`Re-encrypted ${counts.connections} connection(s) and ${counts.variables} variable(s) with the first key of UPDRAFT_FERNET_KEY.`);
      return 0;
    });
  },
};
