import { EXIT_OK, type CliCommand } from '../command.js';

export const dbMigrate: CliCommand = {
  words: ['db', 'migrate'],
  arguments: 0,
  usage: 'db migrate',
  summary: '应用数据库迁移并载入区划和项目目录后退出 (applies migrations, loads the catalogues)',
  options: {},
  // Start-up already did the work: migrations, regions, programs.
  async run(_app, _args, io) {
    io.say('数据库已是最新 (database is up to date)');
    io.result({ migrated: true });
    return EXIT_OK;
  },
};
