import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";

type Input<C> = C extends new (input: infer I) => unknown ? I : never;

export interface FakeFunction {
  readonly input: CreateFunctionCommandInput;
  /** GetFunction answers Pending this many more times before Active (as a new function does). */
  pendingPolls: number;
  readonly versions: string[];
  alias: string | null;
  url: string | null;
  readonly permissions: Map<string, Record<string, unknown>>;
}

export interface FakeLambdaOptions {
  /** The URL CreateFunctionUrlConfig answers for a function (point it at a local stand-in server). */
  readonly urlOf: (functionName: string) => string;
  /** How many Pending answers a new function gives before Active. @default 1 */
  readonly pendingPolls?: number;
}

/**
 * Lambda at the SDK (aws-sdk-client-mock), with the state and errors the real service has for the
 * calls the Deployer makes: ResourceNotFoundException for what is absent, ResourceConflictException
 * for what exists (a function, alias, URL, permission statement), Pending → Active after creation,
 * at most one URL per qualifier, DeleteFunction taking every version with it.
 */
export function mockLambda(options: FakeLambdaOptions) {
  const functions = new Map<string, FakeFunction>();
  /** Mutable: a test sets the usage near the limit, or how long new functions stay Pending. */
  const account = {
    totalCodeSize: 75 * 1024 ** 3,
    used: 0,
    codeSizeUnzipped: 250 * 1024 * 1024,
    pendingPolls: options.pendingPolls ?? 1,
  };
  const notFound = (what: string) =>
    new ResourceNotFoundException({ message: `Function not found: ${what}`, $metadata: { httpStatusCode: 404 } });
  const conflict = (what: string) =>
    new ResourceConflictException({ message: `${what} already exists`, $metadata: { httpStatusCode: 409 } });
  const get = (name: string | undefined) => {
    const fn = functions.get(String(name));
    if (!fn) throw notFound(String(name));
    return fn;
  };

  const lambda = mockClient(LambdaClient);
  const failures = new Map<string, Error>();
  // Every handler goes through here, so a test can make the next call of one command fail.
  const on = <I, O>(command: { name: string }, run: (input: I) => O) => {
    const name = command.name.replace(/Command$/, "");
    // biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's overloads per command
    (lambda.on as any)(command).callsFake((input: I) => {
      const failure = failures.get(name);
      if (failure) {
        failures.delete(name);
        throw failure;
      }
      return run(input);
    });
  };
  on(GetAccountSettingsCommand, () => ({
    AccountLimit: { TotalCodeSize: account.totalCodeSize, CodeSizeUnzipped: account.codeSizeUnzipped },
    AccountUsage: { TotalCodeSize: account.used, FunctionCount: functions.size },
  }));
  on(CreateFunctionCommand, (input: CreateFunctionCommandInput) => {
    const name = String(input.FunctionName);
    if (functions.has(name)) throw conflict(`Function ${name}`);
    functions.set(name, {
      input,
      pendingPolls: account.pendingPolls,
      versions: [],
      alias: null,
      url: null,
      permissions: new Map(),
    });
    return { FunctionName: name, State: "Pending" };
  });
  on(GetFunctionCommand, (input: Input<typeof GetFunctionCommand>) => {
    const fn = get(input.FunctionName);
    if (input.Qualifier && input.Qualifier !== "$LATEST" && !fn.versions.includes(input.Qualifier)) {
      throw notFound(`${input.FunctionName}:${input.Qualifier}`);
    }
    const pending = fn.pendingPolls > 0;
    if (pending) fn.pendingPolls--;
    return { Configuration: { FunctionName: input.FunctionName, State: pending ? "Pending" : "Active" } };
  });
  on(GetFunctionConfigurationCommand, (input: Input<typeof GetFunctionConfigurationCommand>) => {
    const fn = get(input.FunctionName);
    if (input.Qualifier && !fn.versions.includes(input.Qualifier))
      throw notFound(`${input.FunctionName}:${input.Qualifier}`);
    return { FunctionName: input.FunctionName, Version: input.Qualifier, State: "Active" };
  });
  on(ListVersionsByFunctionCommand, (input: Input<typeof ListVersionsByFunctionCommand>) => {
    const fn = get(input.FunctionName);
    return { Versions: [{ Version: "$LATEST" }, ...fn.versions.map((Version) => ({ Version }))] };
  });
  on(PublishVersionCommand, (input: Input<typeof PublishVersionCommand>) => {
    const fn = get(input.FunctionName);
    // Like Lambda: unchanged code and configuration publish no second version.
    if (fn.versions.length === 0) fn.versions.push("1");
    return { Version: fn.versions.at(-1), State: "Pending" };
  });
  on(GetAliasCommand, (input: Input<typeof GetAliasCommand>) => {
    const fn = get(input.FunctionName);
    if (fn.alias !== input.Name) throw notFound(`alias ${input.Name}`);
    return { Name: input.Name, FunctionVersion: fn.versions[0] };
  });
  on(CreateAliasCommand, (input: Input<typeof CreateAliasCommand>) => {
    const fn = get(input.FunctionName);
    if (fn.alias === input.Name) throw conflict(`Alias ${input.Name}`);
    if (!fn.versions.includes(String(input.FunctionVersion))) throw notFound(`version ${input.FunctionVersion}`);
    fn.alias = String(input.Name);
    return { Name: input.Name };
  });
  on(GetFunctionUrlConfigCommand, (input: Input<typeof GetFunctionUrlConfigCommand>) => {
    const fn = get(input.FunctionName);
    if (!fn.url || input.Qualifier !== fn.alias) throw notFound(`URL of ${input.FunctionName}:${input.Qualifier}`);
    return { FunctionUrl: fn.url, AuthType: "NONE", InvokeMode: "RESPONSE_STREAM" };
  });
  on(CreateFunctionUrlConfigCommand, (input: Input<typeof CreateFunctionUrlConfigCommand>) => {
    const fn = get(input.FunctionName);
    if (input.Qualifier !== fn.alias) throw notFound(`alias ${input.Qualifier}`);
    if (fn.url) throw conflict(`URL of ${input.FunctionName}:${input.Qualifier}`);
    fn.url = options.urlOf(String(input.FunctionName));
    return { FunctionUrl: fn.url, AuthType: input.AuthType, InvokeMode: input.InvokeMode };
  });
  on(AddPermissionCommand, (input: Input<typeof AddPermissionCommand>) => {
    const fn = get(input.FunctionName);
    if (fn.permissions.has(String(input.StatementId))) throw conflict(`Statement ${input.StatementId}`);
    fn.permissions.set(String(input.StatementId), { ...input });
    return { Statement: JSON.stringify(input) };
  });
  on(DeleteFunctionUrlConfigCommand, (input: Input<typeof DeleteFunctionUrlConfigCommand>) => {
    const fn = get(input.FunctionName);
    if (!fn.url) throw notFound(`URL of ${input.FunctionName}`);
    fn.url = null;
    return {};
  });
  on(DeleteFunctionCommand, (input: Input<typeof DeleteFunctionCommand>) => {
    get(input.FunctionName);
    functions.delete(String(input.FunctionName));
    return {};
  });

  return {
    mock: lambda,
    functions,
    account,
    /** The Lambda commands sent so far, by name (`CreateFunction`, …), with their inputs. */
    calls(): { command: string; input: Record<string, unknown> }[] {
      return lambda.calls().map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
        return { command: command.constructor.name.replace(/Command$/, ""), input: command.input };
      });
    },
    /** The next call of `command` (e.g. `CreateFunction`) throws `error`, as AWS would. */
    failOnce(command: string, error: Error): void {
      failures.set(command, error);
    },
    reset(): void {
      failures.clear();
      functions.clear();
      lambda.resetHistory();
    },
    restore(): void {
      lambda.restore();
    },
  };
}

export type FakeLambda = ReturnType<typeof mockLambda>;
