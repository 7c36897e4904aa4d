import { Aws, CfnRule, Fn, Token } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as route53 from "aws-cdk-lib/aws-route53";
import { Construct } from "constructs";
import { invalidProp } from "./invalid-prop.ts";

/** A Route 53 public hosted zone the stack may add records to. */
export interface EdgeHostedZone {
  readonly hostedZoneId: string;
  /** The zone's domain: the sites domain or one of its parents. */
  readonly zoneName: string;
}

export interface EdgeCertificateProps {
  /** Site hostnames live under it (`<project>.<sitesDomain>`); the certificate covers `*.<sitesDomain>`. */
  readonly sitesDomain: string;
  /**
   * An ACM certificate in us-east-1 (CloudFront takes no other region) covering `*.<sitesDomain>`.
   * @default - one is requested with DNS validation in `hostedZone`
   */
  readonly certificateArn?: string;
  /**
   * Where the certificate's DNS validation record goes when no `certificateArn` is given. ACM
   * puts a certificate in the stack's own region, so the stack must then be deployed in
   * us-east-1 (a template rule refuses any other region before anything is created).
   * @default - none: `certificateArn` is required
   */
  readonly hostedZone?: EdgeHostedZone;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const US_EAST_1_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/;

/**
 * The wildcard certificate of the platform distribution (`*.<sitesDomain>`): the one given, or
 * one requested from ACM and validated by a record in the given hosted zone (renewed by ACM
 * for as long as the record stays).
 */
export class EdgeCertificate extends Construct {
  readonly certificate: acm.ICertificate;
  readonly wildcard: string;

  constructor(scope: Construct, id: string, props: EdgeCertificateProps) {
    super(scope, id);
    const { sitesDomain, certificateArn, hostedZone } = props;
    if (!DOMAIN.test(sitesDomain)) {
      throw invalidProp("Edge", "sitesDomain", sitesDomain, "Use a lowercase DNS name such as sites.example.com.");
    }
    this.wildcard = `*.${sitesDomain}`;
    if ((certificateArn === undefined) === (hostedZone === undefined)) {
      throw invalidProp(
        "Edge",
        "certificateArn / hostedZone",
        { certificateArn, hostedZone },
        `Give exactly one: the ARN of an ACM certificate in us-east-1 for ${this.wildcard}, or the Route 53 hosted zone to validate a new one in.`,
      );
    }
    if (certificateArn !== undefined) {
      if (!Token.isUnresolved(certificateArn) && !US_EAST_1_CERTIFICATE.test(certificateArn)) {
        throw invalidProp(
          "Edge",
          "certificateArn",
          certificateArn,
          "CloudFront only uses ACM certificates from us-east-1: arn:aws:acm:us-east-1:<account>:certificate/<id>.",
        );
      }
      this.certificate = acm.Certificate.fromCertificateArn(this, "Imported", certificateArn);
      return;
    }
    const zone = hostedZone as EdgeHostedZone;
    if (sitesDomain !== zone.zoneName && !sitesDomain.endsWith(`.${zone.zoneName}`)) {
      throw invalidProp(
        "Edge",
        "hostedZone.zoneName",
        zone.zoneName,
        `The zone must be ${sitesDomain} or a parent of it, or DNS validation of ${this.wildcard} cannot succeed.`,
      );
    }
    new CfnRule(this, "InUsEast1", {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, "us-east-1"),
          assertDescription: `The certificate for ${this.wildcard} is requested in the stack's region, and CloudFront only uses us-east-1 certificates: deploy in us-east-1, or pass an existing us-east-1 certificate's ARN.`,
        },
      ],
    });
    this.certificate = new acm.Certificate(this, "Wildcard", {
      domainName: this.wildcard,
      validation: acm.CertificateValidation.fromDns(route53.HostedZone.fromHostedZoneAttributes(this, "Zone", zone)),
    });
  }
}
