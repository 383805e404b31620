package dev.edgestack.gateway.ratelimit;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * One GCRA step run by Hazelcast on the owner of the key, atomically with respect to other steps on
 * that key. The time comes from the calling gateway so that the backup replica, which re-runs this
 * same processor, reaches the same state. Only an admitted request writes the entry.
 */
public final class GcraEntryProcessor implements EntryProcessor<String, Long, GcraResult> {
  private static final long serialVersionUID = 1L;

  private final Gcra gcra;
  private final long nowMicros;

  public GcraEntryProcessor(Gcra gcra, long nowMicros) {
    this.gcra = gcra;
    this.nowMicros = nowMicros;
  }

  @Override
  public GcraResult process(Map.Entry<String, Long> entry) {
    GcraResult result = gcra.evaluate(entry.getValue(), nowMicros);
    if (result.decision() == RateLimitDecision.ADMITTED) {
      entry.setValue(result.tatMicros());
    }
    return result;
  }
}
