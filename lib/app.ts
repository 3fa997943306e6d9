import { App } from 'aws-cdk-lib';
import { readConfig, stackName } from './config.js';
import { addNagChecks } from './nag.js';
import { FengqiaoStack } from './stack.js';

const app = new App();
addNagChecks(app);
const config = readConfig(app.node);
// no env: the template is environment-agnostic and deploys to aws and aws-cn alike
new FengqiaoStack(app, stackName(config), { config });
