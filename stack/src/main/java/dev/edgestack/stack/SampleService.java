package dev.edgestack.stack;

import dev.edgestack.runtime.config.ConfigNode;

/** The banking sample service a {@link Role#SERVICE} instance runs. */
public enum SampleService {
  ACCOUNTS,
  TRANSACTIONS,
  RATES;

  /** The service as written in topology files and status output, such as {@code accounts}. */
  public String spelling() {
    return ConfigNode.spelling(this);
  }

  /** The service written as {@code spelling}; fails with the accepted spellings. */
  public static SampleService ofSpelling(String spelling) {
    for (SampleService service : values()) {
      if (service.spelling().equals(spelling)) {
        return service;
      }
    }
    throw new IllegalArgumentException(
        "service: " + spelling + " (expected: accounts, transactions or rates)");
  }
}
