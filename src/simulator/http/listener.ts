/**
 * One HTTP or HTTPS listener that can be closed and reopened on the same port (the `down` fault)
 * and that destroys its open sockets when it closes (keep-alive and hung requests included).
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";

export type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Listener {
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private listening = false;

  constructor(
    private readonly host: string,
    onRequest: RequestListener,
    tls?: { key: string; cert: string },
    onConnection?: () => void,
  ) {
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      onConnection?.();
    });
    // A client that breaks a TLS handshake (e.g. one that does not trust the certificate) is not our error.
    this.server.on("tlsClientError", () => undefined);
    this.server.on("clientError", (_err, socket: Socket) => socket.destroy());
  }

  get boundPort(): number {
    return this.port;
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** Listens on `port` (0 = ephemeral; later calls reuse the first bound port). */
  open(port = this.port): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      this.server.listen(port, this.host, () => {
        this.server.off("error", onError);
        const addr = this.server.address();
        this.port = typeof addr === "object" && addr ? addr.port : port;
        this.listening = true;
        resolve(this.port);
      });
    });
  }

  /** Stops accepting connections at once and destroys the open ones. */
  close(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    return closed;
  }
}
