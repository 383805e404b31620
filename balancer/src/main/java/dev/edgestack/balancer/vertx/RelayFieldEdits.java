package dev.edgestack.balancer.vertx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Header fields the {@link Http1Relay} removes from a head it passes on (by name, any case) and
 * fields it adds after the kept ones. Fields that frame the message or that the relay owns (Host,
 * Content-Length, Transfer-Encoding, Connection, the request id, the trace and the forwarding
 * fields) are never removed by these edits.
 */
public final class RelayFieldEdits {
  /** No edits. */
  public static final RelayFieldEdits NONE = new RelayFieldEdits(List.of(), List.of());

  private final List<String> removed;
  // name, value, name, value...
  private final List<String> added;

  private RelayFieldEdits(List<String> removed, List<String> added) {
    this.removed = removed;
    this.added = added;
  }

  /** A builder of edits; {@link Builder#build} returns {@link #NONE} when nothing was added. */
  public static Builder builder() {
    return new Builder();
  }

  public boolean isEmpty() {
    return removed.isEmpty() && added.isEmpty();
  }

  /** The removed names, as given (the relay compares them in any case), each once. */
  public List<String> removed() {
    return Collections.unmodifiableList(removed);
  }

  /** The number of added fields. */
  public int addedCount() {
    return added.size() / 2;
  }

  public String addedName(int index) {
    return added.get(2 * index);
  }

  public String addedValue(int index) {
    return added.get(2 * index + 1);
  }

  /** Whether the field at {@code index} of {@code head} is removed by these edits. */
  boolean removes(Http1Head head, int index) {
    for (int i = 0; i < removed.size(); i++) {
      if (head.nameIs(index, removed.get(i))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "RelayFieldEdits[removed=" + removed + ", added=" + added + "]";
  }

  /** Collects removals and additions in order. */
  public static final class Builder {
    private List<String> removed;
    private List<String> added;

    private Builder() {}

    /** Removes every field named {@code name} (any case) that the head arrived with. */
    public Builder remove(String name) {
      Objects.requireNonNull(name, "name");
      if (removed == null) {
        removed = new ArrayList<>(2);
      }
      for (int i = 0; i < removed.size(); i++) {
        if (removed.get(i).equalsIgnoreCase(name)) {
          return this;
        }
      }
      removed.add(name);
      return this;
    }

    /** Adds the field {@code name: value} after the kept ones. */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (added == null) {
        added = new ArrayList<>(4);
      }
      added.add(name);
      added.add(value);
      return this;
    }

    /**
     * The edits collected so far; the builder starts over empty, so that the edits keep their lists
     * without a copy (one set of edits is built per forwarded request).
     */
    public RelayFieldEdits build() {
      if (removed == null && added == null) {
        return NONE;
      }
      RelayFieldEdits edits =
          new RelayFieldEdits(
              removed == null ? List.of() : removed, added == null ? List.of() : added);
      removed = null;
      added = null;
      return edits;
    }
  }
}
