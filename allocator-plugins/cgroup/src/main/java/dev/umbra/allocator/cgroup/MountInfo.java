package dev.umbra.allocator.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses {@code /proc/<pid>/mountinfo} (proc(5)): {@code id parent major:minor root mountpoint
 * options [optional fields...] - fstype source superoptions}. The optional fields vary in number,
 * so the line is split at the lone {@code -}; paths are octal-escaped ({@code \040} for a space).
 */
final class MountInfo {

  /** One cgroup-related mount. */
  record Mount(String root, Path mountPoint, String fsType, Set<String> superOptions) {
    Mount {
      superOptions = Set.copyOf(superOptions);
    }
  }

  private MountInfo() {}

  /** Returns the mounts of type {@code cgroup} and {@code cgroup2}, in file order; skips malformed lines. */
  static List<Mount> cgroupMounts(String content) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : content.split("\n")) {
      String[] fields = line.strip().split(" ");
      int separator = indexOf(fields, "-");
      if (separator < 6 || fields.length < separator + 4) {
        continue;
      }
      String fsType = fields[separator + 1];
      if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
        continue;
      }
      mounts.add(new Mount(unescape(fields[3]), Path.of(unescape(fields[4])), fsType,
          Set.of(fields[separator + 3].split(","))));
    }
    return mounts;
  }

  private static int indexOf(String[] fields, String value) {
    for (int i = 6; i < fields.length; i++) { // the first six fields are fixed
      if (fields[i].equals(value)) {
        return i;
      }
    }
    return -1;
  }

  /** Undoes the kernel's octal escapes of space, tab, newline and backslash. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
