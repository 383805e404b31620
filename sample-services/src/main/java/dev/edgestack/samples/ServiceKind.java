package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigNode;

/** Which sample service a process runs, read from the top-level {@code service} key. */
enum ServiceKind {
  ACCOUNTS("service"),
  TRANSACTIONS("service"),
  RATES("service"),
  ISSUER("issuer");

  static final String KEY = "service";

  private final String role;

  ServiceKind(String role) {
    this.role = role;
  }

  /** The role the process reports in its metrics and logs. */
  String role() {
    return role;
  }

  /** Reads {@code service}; a missing or unknown value names the file, the key and the choices. */
  static ServiceKind from(ConfigNode root) {
    return root.enumValue(KEY, ServiceKind.class, null);
  }
}
