package dev.edgestack.gateway.ratelimit;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * One step of a {@link LimitAlgorithm} run by Hazelcast on the owner of the key, atomically with
 * respect to other steps on that key: take tokens, or give tokens back. The time comes from the
 * calling gateway, so the backup replica, which re-runs this same processor, reaches the same
 * state. A rejected step writes nothing. Answered as a {@code long[]} ({@link LimitStep#toWire()}).
 * Written as Hazelcast's {@code IdentifiedDataSerializable}: two ids instead of the class name, and
 * made by {@link Factory} instead of by reflection (Java serialization cost about 150 µs of the
 * partition thread per step here; {@code DataSerializable} 0.7 µs per write and read, this 0.3 µs).
 * Every member and client registers the factory ({@link ClusterMember}); members of an external
 * cluster need it in their config (docs/rate-limiting.md).
 */
public final class LimitProcessor
    implements EntryProcessor<String, Serializable, long[]>, IdentifiedDataSerializable {
  /** The id of {@link Factory} in Hazelcast's serialization config. */
  public static final int FACTORY_ID = 1_501_001;

  static final int CLASS_ID = 1;
  private static final long serialVersionUID = 1L;

  private LimitAlgorithm algorithm;
  private long nowMicros;
  private long need;
  private long want;
  private int share;
  private long refundTokens;
  private long refundTakenAtMicros;
  private long held;
  // Zero for one step; else that many requests of cost need, decided one after the other.
  private int each;

  /** For Hazelcast's deserialization only. */
  public LimitProcessor() {}

  private LimitProcessor(
      LimitAlgorithm algorithm,
      long nowMicros,
      long need,
      long want,
      int share,
      long refundTokens,
      long refundTakenAtMicros) {
    this.algorithm = algorithm;
    this.nowMicros = nowMicros;
    this.need = need;
    this.want = want;
    this.share = share;
    this.refundTokens = refundTokens;
    this.refundTakenAtMicros = refundTakenAtMicros;
  }

  /** Takes from {@code need} to {@code want} tokens, first giving back {@code returned} ones. */
  static LimitProcessor acquire(LimitAlgorithm algorithm, long nowMicros, TokenRequest request) {
    LimitProcessor processor =
        new LimitProcessor(
            algorithm,
            nowMicros,
            request.need(),
            request.want(),
            request.share(),
            request.returned(),
            request.returnedTakenAtMicros());
    processor.held = request.held();
    return processor;
  }

  /**
   * Decides {@code count} requests of {@code cost} tokens each in one step, in order, stopping at
   * the first rejection: answered as {@link Admissions#toWire()}.
   */
  static LimitProcessor acquireEach(
      LimitAlgorithm algorithm, long nowMicros, long cost, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    LimitProcessor processor = new LimitProcessor(algorithm, nowMicros, cost, cost, 1, 0, 0);
    processor.each = count;
    return processor;
  }

  /** Only gives back {@code tokens} taken at {@code takenAtMicros}. */
  static LimitProcessor refund(
      LimitAlgorithm algorithm, long nowMicros, long tokens, long takenAtMicros) {
    return new LimitProcessor(algorithm, nowMicros, 0, 0, 1, tokens, takenAtMicros);
  }

  /** Makes the processors that Hazelcast reads; registered under {@link #FACTORY_ID}. */
  public static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
      return typeId == CLASS_ID ? new LimitProcessor() : null;
    }
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    algorithm.writeTo(out);
    out.writeLong(nowMicros);
    out.writeLong(need);
    out.writeLong(want);
    out.writeInt(share);
    out.writeLong(refundTokens);
    out.writeLong(refundTakenAtMicros);
    out.writeInt(each);
    out.writeLong(held);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    algorithm = LimitAlgorithm.readFrom(in);
    nowMicros = in.readLong();
    need = in.readLong();
    want = in.readLong();
    share = in.readInt();
    refundTokens = in.readLong();
    refundTakenAtMicros = in.readLong();
    each = in.readInt();
    held = in.readLong();
  }

  @Override
  public long[] process(Map.Entry<String, Serializable> entry) {
    if (each > 0) {
      return processEach(entry);
    }
    Serializable state = entry.getValue();
    boolean changed = false;
    if (refundTokens > 0 && state != null) {
      state = algorithm.refund(state, nowMicros, refundTokens, refundTakenAtMicros);
      changed = true;
    }
    if (need == 0) {
      if (changed) {
        entry.setValue(state);
      }
      return new LimitStep(RateLimitDecision.ADMITTED, null, 0, 0, 0, 0).toWire();
    }
    LimitStep step =
        held == 0
            ? algorithm.acquire(state, nowMicros, need, want, share)
            : algorithm.acquire(state, nowMicros, need, want, share, held);
    if (step.admitted()) {
      entry.setValue(step.state());
    } else if (changed) {
      entry.setValue(state);
    }
    // The caller needs the numbers, not the state.
    return step.toWire();
  }

  private long[] processEach(Map.Entry<String, Serializable> entry) {
    Serializable state = entry.getValue();
    int admitted = 0;
    LimitStep last = null;
    LimitStep rejected = null;
    while (admitted < each) {
      LimitStep step = algorithm.acquire(state, nowMicros, need);
      if (!step.admitted()) {
        rejected = step;
        break;
      }
      state = step.state();
      last = step;
      admitted++;
    }
    if (admitted > 0) {
      entry.setValue(state);
    }
    return new Admissions(admitted, last, rejected).toWire();
  }
}
