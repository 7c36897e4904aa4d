import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** Encrypts the notifications at rest. */
  readonly encryptionKey: kms.IKey;
}

/**
 * Where every alarm of the control plane goes: one SNS topic (KMS-encrypted, TLS only). Operators
 * subscribe to it (email, chat) after deploying; the stack makes no subscription of its own.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "Slipway alarms",
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.action = new actions.SnsAction(this.topic);
  }

  /** Sends the alarm's state changes (into alarm and back to OK) to the topic. */
  notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
