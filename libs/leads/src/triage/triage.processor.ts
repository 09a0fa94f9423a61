import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, type JobOf } from '@sunlight/queue';
import { SweepCards, SweepCardsCommand } from './sweep-cards.usecase.js';

@Injectable()
export class TriageProcessor {
  constructor(private readonly sweepCards: SweepCards) {}

  /**
   * Safe to run twice: cards only go up, and a second sweep of the same day finds nothing new.
   * A job always applies: it is the daily schedule (or a catch-up of a day), never a person's
   * simulation, which goes to the use case directly.
   */
  @JobHandler(JobName.SweepCards)
  sweep(job: JobOf<JobName.SweepCards>) {
    return this.sweepCards.execute(new SweepCardsCommand(job.data.today, true));
  }
}
