package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.balancer.vertx.RelayRequest;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A relayed request's header fields as a case-insensitive {@link MultiMap}, so that the steps the
 * Vert.x listener shares ({@link GatewaySteps}, authentication, rate-limit keys, header edits,
 * identity headers) read and change them as they do a Vert.x request's headers. It reads the
 * relay's parsed head in place: a name or value becomes a String only when a step asks for it, and
 * lookups compare names without making any. Removals and additions are recorded as they are made,
 * and {@link #edits} hands them to the relay: the names removed from the head as it came, then the
 * fields added, in order.
 *
 * <p>Like Vert.x's maps, it is not thread-safe; it lives for one request's decision.
 */
final class RelayHeaders implements MultiMap {
  private final RelayRequest request;
  private final int count;
  // Texts of the head's fields, made on first use.
  private String[] names;
  private String[] values;
  // Their entries, made on first iteration: identity headers are stripped by iterating, twice.
  private HeadField[] entries;
  // Fields of the head that a step removed, null until one is.
  private boolean[] removed;
  private int removedCount;
  // Fields added since: name, value, name, value...
  private List<String> added;

  RelayHeaders(RelayRequest request) {
    this.request = request;
    this.count = request.fieldCount();
  }

  /**
   * What the steps changed, as the relay's edits: every name of the head a step removed (the relay
   * removes a name in any case, as {@link #remove} does), then the fields added, in order; {@link
   * RelayFieldEdits#NONE} when nothing changed.
   */
  RelayFieldEdits edits() {
    if (removedCount == 0 && (added == null || added.isEmpty())) {
      return RelayFieldEdits.NONE;
    }
    RelayFieldEdits.Builder edits = RelayFieldEdits.builder();
    for (int i = 0; removedCount > 0 && i < count; i++) {
      if (removed[i]) {
        edits.remove(name(i));
      }
    }
    if (added != null) {
      for (int i = 0; i < added.size(); i += 2) {
        edits.add(added.get(i), added.get(i + 1));
      }
    }
    return edits.build();
  }

  private boolean present(int index) {
    return removed == null || !removed[index];
  }

  private boolean named(int index, String name) {
    return present(index) && request.fieldNameIs(index, name);
  }

  private String name(int index) {
    if (names == null) {
      names = new String[count];
    }
    String name = names[index];
    if (name == null) {
      name = request.fieldName(index);
      names[index] = name;
    }
    return name;
  }

  private String value(int index) {
    if (values == null) {
      values = new String[count];
    }
    String value = values[index];
    if (value == null) {
      value = request.fieldValue(index);
      values[index] = value;
    }
    return value;
  }

  @Override
  public String get(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < count; i++) {
      if (named(i, name)) {
        return value(i);
      }
    }
    if (added != null) {
      for (int i = 0; i < added.size(); i += 2) {
        if (added.get(i).equalsIgnoreCase(name)) {
          return added.get(i + 1);
        }
      }
    }
    return null;
  }

  @Override
  public String get(CharSequence name) {
    return get(name.toString());
  }

  @Override
  public List<String> getAll(String name) {
    Objects.requireNonNull(name, "name");
    List<String> all = null;
    for (int i = 0; i < count; i++) {
      if (named(i, name)) {
        all = all == null ? new ArrayList<>(2) : all;
        all.add(value(i));
      }
    }
    if (added != null) {
      for (int i = 0; i < added.size(); i += 2) {
        if (added.get(i).equalsIgnoreCase(name)) {
          all = all == null ? new ArrayList<>(2) : all;
          all.add(added.get(i + 1));
        }
      }
    }
    return all == null ? List.of() : all;
  }

  @Override
  public List<String> getAll(CharSequence name) {
    return getAll(name.toString());
  }

  @Override
  public boolean contains(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < count; i++) {
      if (named(i, name)) {
        return true;
      }
    }
    if (added != null) {
      for (int i = 0; i < added.size(); i += 2) {
        if (added.get(i).equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean contains(CharSequence name) {
    return contains(name.toString());
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public int size() {
    return count - removedCount + (added == null ? 0 : added.size() / 2);
  }

  @Override
  public Set<String> names() {
    Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> field : this) {
      all.add(field.getKey());
    }
    return all;
  }

  @Override
  public MultiMap add(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    requireFieldText(name, value);
    if (added == null) {
      added = new ArrayList<>(8);
    }
    added.add(name);
    added.add(value);
    return this;
  }

  /** The relay writes added fields as they are: a line break or NUL would forge another field. */
  private static void requireFieldText(String name, String value) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == ':' || c >= 127) {
        throw new IllegalArgumentException("header name: " + name + " (expected: a token)");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            "header " + name + ": a value with CR, LF or NUL (expected: none)");
      }
    }
  }

  @Override
  public MultiMap add(CharSequence name, CharSequence value) {
    return add(name.toString(), value.toString());
  }

  @Override
  public MultiMap add(String name, Iterable<String> values) {
    for (String value : values) {
      add(name, value);
    }
    return this;
  }

  @Override
  public MultiMap add(CharSequence name, Iterable<CharSequence> values) {
    for (CharSequence value : values) {
      add(name, value);
    }
    return this;
  }

  @Override
  public MultiMap addAll(MultiMap fields) {
    for (Map.Entry<String, String> field : fields) {
      add(field.getKey(), field.getValue());
    }
    return this;
  }

  @Override
  public MultiMap addAll(Map<String, String> fields) {
    fields.forEach(this::add);
    return this;
  }

  @Override
  public MultiMap set(String name, String value) {
    remove(name);
    return value == null ? this : add(name, value);
  }

  @Override
  public MultiMap set(CharSequence name, CharSequence value) {
    return set(name.toString(), value == null ? null : value.toString());
  }

  @Override
  public MultiMap set(String name, Iterable<String> values) {
    remove(name);
    return add(name, values);
  }

  @Override
  public MultiMap set(CharSequence name, Iterable<CharSequence> values) {
    remove(name);
    return add(name, values);
  }

  /** Clears this map and adds every field of {@code fields}, as Vert.x's maps do. */
  @Override
  public MultiMap setAll(MultiMap fields) {
    clear();
    return addAll(fields);
  }

  /** Sets each field of {@code fields}, replacing the values of its name. */
  @Override
  public MultiMap setAll(Map<String, String> fields) {
    fields.forEach(this::set);
    return this;
  }

  @Override
  public MultiMap remove(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < count; i++) {
      if (named(i, name)) {
        if (removed == null) {
          removed = new boolean[count];
        }
        removed[i] = true;
        removedCount++;
      }
    }
    if (added != null) {
      for (int i = added.size() - 2; i >= 0; i -= 2) {
        if (added.get(i).equalsIgnoreCase(name)) {
          added.remove(i + 1);
          added.remove(i);
        }
      }
    }
    return this;
  }

  @Override
  public MultiMap remove(CharSequence name) {
    return remove(name.toString());
  }

  @Override
  public MultiMap clear() {
    if (count > 0) {
      removed = new boolean[count];
      Arrays.fill(removed, true);
      removedCount = count;
    }
    added = null;
    return this;
  }

  @Override
  public boolean isMutable() {
    return true;
  }

  @Override
  public MultiMap copy(boolean mutable) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(this);
    return mutable ? copy : copy.copy(false);
  }

  /** Each field in order, as {@link #iterator} yields them, without an entry for each. */
  @Override
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < count; i++) {
      if (present(i)) {
        action.accept(name(i), value(i));
      }
    }
    if (added != null) {
      for (int i = 0; i < added.size(); i += 2) {
        action.accept(added.get(i), added.get(i + 1));
      }
    }
  }

  /** The fields in order: those of the head still there, then those added. */
  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return new Iterator<>() {
      private int next = skipRemoved(0);

      private int skipRemoved(int from) {
        int i = from;
        while (i < count && !present(i)) {
          i++;
        }
        return i;
      }

      @Override
      public boolean hasNext() {
        return next < count || added != null && next - count < added.size() / 2;
      }

      @Override
      public Map.Entry<String, String> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<String, String> field;
        if (next < count) {
          field = entry(next);
          next = skipRemoved(next + 1);
        } else {
          int pair = 2 * (next - count);
          field = Map.entry(added.get(pair), added.get(pair + 1));
          next++;
        }
        return field;
      }
    };
  }

  private HeadField entry(int index) {
    if (entries == null) {
      entries = new HeadField[count];
    }
    HeadField entry = entries[index];
    if (entry == null) {
      entry = new HeadField(index);
      entries[index] = entry;
    }
    return entry;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> field : this) {
      text.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
    }
    return text.toString();
  }

  /** A field of the head, its name and value made into text only when asked for. */
  private final class HeadField implements Map.Entry<String, String> {
    private final int index;

    HeadField(int index) {
      this.index = index;
    }

    @Override
    public String getKey() {
      return name(index);
    }

    @Override
    public String getValue() {
      return value(index);
    }

    @Override
    public String setValue(String value) {
      throw new UnsupportedOperationException("set the field through the map");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Map.Entry<?, ?> entry
          && getKey().equals(entry.getKey())
          && getValue().equals(entry.getValue());
    }

    @Override
    public int hashCode() {
      return getKey().hashCode() ^ getValue().hashCode();
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
