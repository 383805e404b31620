package dev.edgestack.stack;

import dev.edgestack.runtime.config.ConfigNode;

/** What an instance does in a topology; the role decides which deployable runs it. */
public enum Role {
  EDGE_LB("edge-lb"),
  GATEWAY("api-gateway"),
  INTERNAL_LB("internal-lb"),
  SERVICE("sample-services"),
  ISSUER("sample-services");

  private final String module;

  Role(String module) {
    this.module = module;
  }

  /** The Maven module whose runnable jar serves this role, such as {@code api-gateway}. */
  public String module() {
    return module;
  }

  /** The role as written in topology files and status output, such as {@code internal-lb}. */
  public String spelling() {
    return ConfigNode.spelling(this);
  }

  /** The role written as {@code spelling}; fails with the accepted spellings. */
  public static Role ofSpelling(String spelling) {
    for (Role role : values()) {
      if (role.spelling().equals(spelling)) {
        return role;
      }
    }
    throw new IllegalArgumentException("role: " + spelling + " (expected: a role such as gateway)");
  }
}
