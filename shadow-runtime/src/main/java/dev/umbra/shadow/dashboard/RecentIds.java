package dev.umbra.shadow.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

/** The newest {@code capacity} ids added, to tell new entries from ones already sent. Thread-safe. */
final class RecentIds {
  private final Map<String, Boolean> ids;

  RecentIds(int capacity) {
    this.ids = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True when {@code id} is new. */
  synchronized boolean add(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }
}
