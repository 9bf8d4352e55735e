package dev.umbra.shadow.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential files of a shadow: {@code DATA/credentials/agent.token}, {@code reader.token}
 * and {@code operator.token}, one token a line, the directory 0700 and the files 0600, like a
 * kubeconfig or a Jupyter server's runtime files. The shadow creates the missing ones on start
 * ({@link #loadOrCreate}); local clients and agents of the same user read them ({@link #read}).
 * Tokens never reach a log line.
 */
public final class CredentialFiles {
  private static final Logger logger = LoggerFactory.getLogger(CredentialFiles.class);
  private static final int TOKEN_BYTES = 32;
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private CredentialFiles() {}

  /** The credential directory of the data folder {@code dataDir}. */
  public static Path directory(Path dataDir) {
    return dataDir.resolve("credentials");
  }

  /** The file holding {@code role}'s token for the data folder {@code dataDir}. */
  public static Path file(Path dataDir, Role role) {
    return directory(dataDir).resolve(role.fileName());
  }

  /**
   * The tokens in force: {@code given} ones (from the environment or the config file) win and
   * are written to their files, so that local clients find them; a missing file gets a new random
   * token; an existing one is read. Makes the directory 0700 and every file 0600.
   *
   * @throws IOException naming the file that cannot be made, read or secured
   */
  public static Credentials loadOrCreate(Path dataDir, Map<Role, String> given) throws IOException {
    Path dir = directory(dataDir);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dataDir);
      if (POSIX) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR)); // the umask may narrow it only
      } else {
        Files.createDirectory(dir);
      }
    }
    restrict(dir, OWNER_DIR);
    SecureRandom random = new SecureRandom();
    Map<Role, String> tokens = new EnumMap<>(Role.class);
    int created = 0;
    for (Role role : Role.values()) {
      Path file = dir.resolve(role.fileName());
      String token = given.get(role);
      if (token != null) {
        if (!Files.exists(file) || !token.equals(readToken(file))) {
          write(file, token);
        }
      } else if (Files.exists(file)) {
        token = readToken(file);
      } else {
        token = newToken(random);
        write(file, token);
        created++;
      }
      restrict(file, OWNER_FILE);
      tokens.put(role, token);
    }
    logger.info("credentials in {} ({}, {} created now): readable by this user only",
        dir, String.join(", ", names()), created);
    return new Credentials(tokens);
  }

  /**
   * Reads {@code file}'s token for a client.
   *
   * @throws IOException with a one-line reason: no such file, permission denied, empty
   */
  public static String read(Path file) throws IOException {
    try {
      return readToken(file);
    } catch (NoSuchFileException e) {
      throw new IOException("no credential file " + file, e);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read the credential file " + file + ": permission denied", e);
    }
  }

  private static String readToken(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || text.contains("\n")) {
      throw new IOException("the credential file " + file + " must hold one token on one line");
    }
    return text;
  }

  private static void write(Path file, String token) throws IOException {
    Path dir = file.getParent();
    Path temp = POSIX
        ? Files.createTempFile(dir, ".new-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_FILE))
        : Files.createTempFile(dir, ".new-", ".tmp");
    try {
      Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (POSIX && !Files.getPosixFilePermissions(path).equals(wanted)) {
      Files.setPosixFilePermissions(path, wanted);
      logger.warn("{} was readable beyond its owner; now {}", path, PosixFilePermissions.toString(wanted));
    }
  }

  private static String newToken(SecureRandom random) {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static List<String> names() {
    return Arrays.stream(Role.values()).map(Role::fileName).toList();
  }
}
