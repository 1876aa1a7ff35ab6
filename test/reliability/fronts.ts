/**
 * Servers in front of the simulator for faults it cannot make itself. Each passes connections
 * straight through to the simulator's HTTP port until a fault is set, so that "the next message
 * works" is tested on the same config node. Setting or clearing a fault destroys every open
 * connection (a keep-alive socket must not carry a request past the fault).
 */
import net from "node:net";
import tls from "node:tls";

/** What a faulty server does with a connection once it has read the request head. */
export type RawBehaviour = (socket: net.Socket, front: RawFront) => void;

function pipeTo(port: number, socket: net.Socket): void {
  const up = net.connect(port, "127.0.0.1");
  socket.pipe(up).pipe(socket);
  const kill = (): void => { up.destroy(); socket.destroy(); };
  up.on("error", kill);
  socket.on("error", kill);
  up.on("close", kill);
  socket.on("close", kill);
}

abstract class Front {
  protected readonly sockets = new Set<net.Socket>();
  /** TCP connections accepted since the last set(). */
  connections = 0;

  constructor(protected readonly server: net.Server, readonly url: string) {
    server.on("connection", (s: net.Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => undefined);
    });
  }

  protected dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Plain TCP: pass-through, or a scripted answer. */
export class RawFront extends Front {
  private behaviour: RawBehaviour | null = null;
  /** Request heads seen while a fault was set. */
  requests = 0;
  /** Bytes a behaviour wrote (it adds them). */
  bytesSent = 0;

  private constructor(server: net.Server, url: string, private readonly target: number) {
    super(server, url);
    server.on("connection", (s: net.Socket) => this.accept(s));
  }

  static async start(targetPort: number): Promise<RawFront> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return new RawFront(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, targetPort);
  }

  /** A fault for the next connections, or null to pass through; drops open connections. */
  set(b: RawBehaviour | null): void {
    this.dropAll();
    this.behaviour = b;
    this.requests = 0;
    this.bytesSent = 0;
    this.connections = 0;
  }

  private accept(s: net.Socket): void {
    const b = this.behaviour;
    if (!b) return pipeTo(this.target, s);
    let head = "";
    let started = false;
    s.on("data", (d: Buffer) => {
      head += d.toString("latin1");
      let i: number;
      while ((i = head.indexOf("\r\n\r\n")) >= 0) {
        head = head.slice(i + 4);
        this.requests++;
        if (!started) {
          started = true;
          b(s, this);
        }
      }
    });
  }
}

/** TLS terminated here with a certificate that can be swapped, then plain bytes to the simulator. */
export class TlsFront extends Front {
  /** Handshakes that failed since the last set(). */
  handshakeErrors = 0;

  private constructor(server: tls.Server, url: string) {
    super(server, url);
    server.on("tlsClientError", () => { this.handshakeErrors++; });
  }

  static async start(targetPort: number, cert: { key: string; cert: string }): Promise<TlsFront> {
    const server = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => pipeTo(targetPort, s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return new TlsFront(server, `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  }

  /** Serves `cert` from now on; drops open connections. */
  set(cert: { key: string; cert: string }): void {
    (this.server as tls.Server).setSecureContext({ key: cert.key, cert: cert.cert });
    this.dropAll();
    this.connections = 0;
    this.handshakeErrors = 0;
  }
}
