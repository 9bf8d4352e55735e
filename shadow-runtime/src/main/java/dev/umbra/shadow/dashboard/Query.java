package dev.umbra.shadow.dashboard;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parameters of a request's query string; every bad value is a 400 naming the parameter. */
final class Query {
  private final Map<String, List<String>> values;

  private Query(Map<String, List<String>> values) {
    this.values = values;
  }

  static Query of(URI uri) throws RequestException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } catch (IllegalArgumentException e) {
          throw RequestException.badRequest("query: '" + pair + "' is not URL-encoded: " + e.getMessage());
        }
      }
    }
    return new Query(values);
  }

  Optional<String> optional(String name) {
    List<String> list = values.get(name);
    return list == null || list.get(0).isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  String required(String name) throws RequestException {
    return optional(name).orElseThrow(() -> RequestException.badRequest("parameter '" + name + "' is required"));
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of()).stream().filter(v -> !v.isEmpty()).toList();
  }

  /** An integer parameter in {@code [min, max]}, or {@code otherwise} when absent. */
  int integer(String name, int otherwise, int min, int max) throws RequestException {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return otherwise;
    }
    int value;
    try {
      value = Integer.parseInt(text.get());
    } catch (NumberFormatException e) {
      throw RequestException.badRequest("parameter '" + name + "': '" + text.get() + "' is not an integer");
    }
    if (value < min || value > max) {
      throw RequestException.badRequest(
          "parameter '" + name + "': " + value + " is not in " + min + ".." + max);
    }
    return value;
  }
}
