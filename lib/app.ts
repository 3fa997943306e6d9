import { App } from 'aws-cdk-lib';
import { readConfig, stackName } from './config.js';
import { addGuardChecks, addNagChecks } from './nag.js';
import { FengqiaoStack } from './stack.js';

const app = new App();
// both rule packs run on every synth: cdk-nag's AwsSolutions and Serverless, and cfn-guard's Control Tower rules
addNagChecks(app);
addGuardChecks(app);
const config = readConfig(app.node);
// no env: the template is environment-agnostic and deploys to aws and aws-cn alike
new FengqiaoStack(app, stackName(config), { config });
