package io.vfioctl.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Matches the rules against every device of a host, reading each device's facts as far as the
 * rules ask. On a large host the devices are shared between two threads: the time goes into
 * sysfs reads and the code around them, one device at a time, which a second core halves.
 */
final class Scan {
  /** Below this many devices a second thread costs more than it saves. */
  static final int PARALLEL_FROM = 512;

  private Scan() {}

  /**
   * Per device (at its index), the rules that match it when some do or {@code kept} says so, and
   * it is overridable; null for the others. Each such device is given to {@code then} as well,
   * in the thread that matched it, with its rules: what the caller reads of it next is read there.
   */
  static List<List<Rule>> matching(RuleSet rules, List<FactsReader.Device> devices,
      Predicate<FactsReader.Device> kept, BiConsumer<FactsReader.Device, List<Rule>> then) {
    @SuppressWarnings("unchecked")
    List<Rule>[] found = new List[devices.size()];
    AtomicInteger next = new AtomicInteger();
    Part second = new Part(rules, devices, kept, found, next, then);
    Thread helper = null;
    if (devices.size() >= PARALLEL_FROM) {
      helper = new Thread(second, "vfioctl-scan");
      helper.setDaemon(true);
      helper.start();
    }
    Part first = new Part(rules, devices, kept, found, next, then);
    first.run();
    if (helper != null) {
      join(helper);
      second.rethrow();
    }
    first.rethrow();
    return new ArrayList<>(Arrays.asList(found));
  }

  private static void join(Thread helper) {
    boolean interrupted = false;
    while (true) {
      try {
        helper.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a signal's shutdown takes the process down; the scan itself is read-only
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One thread's share: runs of {@link #RUN} devices taken in turn until none is left, so that
   * neither thread waits for the other (SR-IOV functions cost more than the rest, and come together).
   * Each has a matcher of its own: a matcher remembers IDs.
   */
  private static final class Part implements Runnable {
    private static final int RUN = 64;
    private final RuleMatcher matcher;
    private final List<FactsReader.Device> devices;
    private final Predicate<FactsReader.Device> kept;
    private final List<Rule>[] found;
    private final AtomicInteger next;
    private final BiConsumer<FactsReader.Device, List<Rule>> then;
    private Throwable failure;

    Part(RuleSet rules, List<FactsReader.Device> devices, Predicate<FactsReader.Device> kept, List<Rule>[] found,
        AtomicInteger next, BiConsumer<FactsReader.Device, List<Rule>> then) {
      this.then = then;
      this.matcher = rules.matcher();
      this.devices = devices;
      this.kept = kept;
      this.found = found;
      this.next = next;
    }

    @Override
    public void run() {
      try {
        for (int from = next.getAndAdd(RUN); from < devices.size(); from = next.getAndAdd(RUN)) {
          for (int i = from; i < Math.min(from + RUN, devices.size()); i++) {
            FactsReader.Device d = devices.get(i);
            List<Rule> matching = matcher.matching(d);
            if ((!matching.isEmpty() || kept.test(d)) && d.overridable()) {
              found[i] = matching;
              then.accept(d, matching);
            }
          }
        }
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }

    /** What the part met, thrown again in the thread that waited for it: a hostile file's refusal. */
    void rethrow() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
    }
  }
}
