import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConflictError, InputError, NotFoundError } from '@sunlight/common';
import { NEST_OPTIONS, exitOnStartupError, openInfrastructure, useSunlightLogger } from '@sunlight/runtime';
import { CliModule } from './cli.module.js';
import { EXIT_FAILED, EXIT_REJECTED, type CliCommand, type CliIo, type ParsedArgs } from './command.js';
import { COMMANDS } from './commands/index.js';

const io: CliIo = {
  say: (line) => process.stderr.write(`${line}\n`),
  result: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  stdout: process.stdout,
};

function usage(): string {
  return ['用法 usage: npm run cli -- COMMAND', '', ...COMMANDS.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)].join('\n');
}

function parse(argv: string[]): { command: CliCommand; args: ParsedArgs } | undefined {
  const command = COMMANDS.find((c) => c.words.every((w, i) => argv[i] === w));
  if (!command) return undefined;
  const rest = argv.slice(command.words.length);
  const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  if (positionals.length !== command.arguments) {
    throw new Error(`${command.usage}: expected ${command.arguments} argument(s), got ${positionals.length}`);
  }
  return { command, args: { positionals, options: values as ParsedArgs['options'] } };
}

async function main(argv: string[]): Promise<number> {
  if (!argv.length || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.say(usage());
    return argv.length ? 0 : EXIT_FAILED;
  }
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.say(`sunlight: ${(err as Error).message}`);
    return EXIT_FAILED;
  }
  if (!parsed) {
    io.say(`sunlight: unknown command "${argv.join(' ')}"\n\n${usage()}`);
    return EXIT_FAILED;
  }
  if (parsed.command.offline) return parsed.command.run(undefined as never, parsed.args, io);
  const infra = await openInfrastructure('cli', (line) => io.say(`sunlight: ${line}`)).catch((err) => exitOnStartupError(err, 'sunlight'));
  let app;
  try {
    app = await NestFactory.createApplicationContext(CliModule.register(infra), NEST_OPTIONS);
    useSunlightLogger(app);
    await app.init();
  } catch (err) {
    await infra.database.close();
    exitOnStartupError(err, 'sunlight');
  }
  let code: number;
  try {
    code = await parsed.command.run(app, parsed.args, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.say(`sunlight: ${err.message}`);
      code = EXIT_REJECTED;
    } else if (err instanceof NotFoundError || err instanceof ConflictError) {
      io.say(`sunlight: ${err.message}`);
      code = EXIT_FAILED;
    } else {
      io.say(`sunlight: ${(err as Error).message}`);
      if (infra.config.logLevel === 'debug' || infra.config.logLevel === 'trace') io.say(String((err as Error).stack));
      code = EXIT_FAILED;
    }
  }
  await app.close();
  await infra.database.close();
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    io.say(`sunlight: ${(err as Error).message}`);
    process.exit(EXIT_FAILED);
  },
);
